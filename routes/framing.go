package routes

import (
	"bytes"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// ambiguousFraming refuses a request whose length a proxy in front could read differently
// from this server (RFC 9112 §6.3, request smuggling), and closes the connection, so whatever
// follows on it is never read as a request:
//   - two Content-Length headers (fasthttp v1.51 keeps the last), or Content-Length beside
//     Transfer-Encoding (fasthttp serves the chunks and keeps the connection): 400;
//   - a Transfer-Encoding other than chunked or identity: fasthttp reads any value but the exact
//     "identity" as chunked, while a proxy in front may not ("xchunked", "gzip, chunked").
//     Chunked not last, or twice, is 400 (RFC 9112 §6.3: the length cannot be known), and so
//     is any identity but fasthttp's exact one; a coding before the final chunked, which this
//     server does not implement, is 501 (§6.1).
//
// Newer fasthttp refuses some of these itself but no longer streams the built-in proxy's
// responses.
func ambiguousFraming(c *fiber.Ctx) error {
	lengths, encodings := 0, 0
	var codings []string
	for line := range bytes.SplitSeq(c.Request().Header.RawHeaders(), []byte("\n")) {
		name, value, ok := bytes.Cut(line, []byte(":"))
		switch {
		case !ok:
		case bytes.EqualFold(bytes.TrimSpace(name), []byte(fiber.HeaderContentLength)):
			lengths++
		case bytes.EqualFold(bytes.TrimSpace(name), []byte(fiber.HeaderTransferEncoding)):
			encodings++
			for coding := range strings.SplitSeq(string(bytes.TrimSpace(value)), ",") {
				codings = append(codings, strings.TrimSpace(coding))
			}
		}
	}
	status, msg := framingStatus(lengths, encodings, codings)
	if status == 0 {
		return c.Next()
	}
	c.Context().SetConnectionClose()
	return c.Status(status).JSON(fiber.Map{"error": "invalid_request", "error_description": msg, "message": msg})
}

// framingStatus is the refusal of a request with lengths Content-Length headers and
// encodings Transfer-Encoding headers listing codings, or 0 when its framing is unambiguous.
func framingStatus(lengths, encodings int, codings []string) (int, string) {
	switch {
	case lengths > 1 || lengths == 1 && encodings > 0:
		return fiber.StatusBadRequest, "Ambiguous message framing."
	case encodings == 0, len(codings) == 1 && codings[0] == "identity":
		return 0, ""
	}
	last := len(codings) - 1
	if !strings.EqualFold(codings[last], "chunked") {
		return fiber.StatusBadRequest, "Ambiguous message framing."
	}
	for _, coding := range codings[:last] {
		if strings.EqualFold(coding, "chunked") {
			return fiber.StatusBadRequest, "Ambiguous message framing."
		}
	}
	if last > 0 {
		return fiber.StatusNotImplemented, "The request's Transfer-Encoding is not supported."
	}
	return 0, ""
}
