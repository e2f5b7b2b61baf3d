package routes

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"sync/atomic"

	"github.com/gofiber/fiber/v2"
)

// headerRequestID is X-Request-ID as fasthttp writes it.
var headerRequestID = []byte("X-Request-Id")

// stampRequestID gives the response an X-Request-ID, the request's own (a proxy in front set
// it, so that both logs name the request alike) or a new one written into buf, and returns
// it. It allocates nothing.
func stampRequestID(c *fiber.Ctx, buf *[36]byte) []byte {
	id := c.Request().Header.PeekBytes(headerRequestID)
	if len(id) == 0 {
		newRequestID(buf)
		id = buf[:]
	}
	c.Response().Header.SetCanonical(headerRequestID, id)
	return id
}

var (
	requestIDSeed    [16]byte
	requestIDCounter atomic.Uint64
)

func init() { rand.Read(requestIDSeed[:]) } // crypto/rand.Read never fails (Go 1.24+)

// newRequestID writes a fresh id in the UUID version 4 form, as Fiber's requestid middleware
// did: a random per-process seed with a counter mixed into its first half. Ids are unique
// within the process and across restarts, not secret.
func newRequestID(dst *[36]byte) {
	u := requestIDSeed
	binary.LittleEndian.PutUint64(u[:8], binary.LittleEndian.Uint64(u[:8])^requestIDCounter.Add(1))
	u[6] = u[6]&0x0f | 0x40 // version 4
	u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
	hex.Encode(dst[0:8], u[0:4])
	dst[8] = '-'
	hex.Encode(dst[9:13], u[4:6])
	dst[13] = '-'
	hex.Encode(dst[14:18], u[6:8])
	dst[18] = '-'
	hex.Encode(dst[19:23], u[8:10])
	dst[23] = '-'
	hex.Encode(dst[24:], u[10:])
}
