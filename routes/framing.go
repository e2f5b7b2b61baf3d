package routes

import (
	"bytes"

	"github.com/gofiber/fiber/v2"
)

// ambiguousFraming refuses a request whose length a proxy in front could read differently
// from this server (RFC 9112 §6.3, request smuggling): two Content-Length headers (fasthttp
// v1.51 keeps the last), or Content-Length beside Transfer-Encoding (fasthttp serves the
// chunks and keeps the connection). It answers 400 and closes the connection, so whatever
// follows on it is never read as a request. Newer fasthttp refuses these itself but no longer
// streams the built-in proxy's responses.
func ambiguousFraming(c *fiber.Ctx) error {
	lengths, encodings := 0, 0
	for line := range bytes.SplitSeq(c.Request().Header.RawHeaders(), []byte("\n")) {
		name, _, ok := bytes.Cut(line, []byte(":"))
		switch {
		case !ok:
		case bytes.EqualFold(bytes.TrimSpace(name), []byte(fiber.HeaderContentLength)):
			lengths++
		case bytes.EqualFold(bytes.TrimSpace(name), []byte(fiber.HeaderTransferEncoding)):
			encodings++
		}
	}
	if lengths <= 1 && (lengths == 0 || encodings == 0) {
		return c.Next()
	}
	c.Context().SetConnectionClose()
	return c.Status(fiber.StatusBadRequest).JSON(fiber.Map{"error": "invalid_request",
		"error_description": "Ambiguous message framing.", "message": "Ambiguous message framing."})
}
