package core

import (
	"context"
	"errors"
	"net/netip"
	"runtime"
	"strconv"
	"time"

	"oauthd/models"
)

// LoginLimits bound what password checking may cost and how fast anyone may guess.
type LoginLimits struct {
	// MaxAttempts is how many logins, successful or not, one client address may try per
	// AttemptWindow. It bounds the bcrypt work one address can ask for.
	MaxAttempts   int
	AttemptWindow time.Duration
	// MaxFailures failed logins per account within FailureWindow are free; after that each
	// failure makes the account wait before its next attempt: 1s, doubling per further
	// failure, up to MaxBackoff. Guessing slows down exponentially, and the owner is never locked out for
	// longer than MaxBackoff at a time. A success clears the account's failures.
	MaxFailures   int
	FailureWindow time.Duration
	MaxBackoff    time.Duration
	// HashSlots is how many password hashes may run at once (0: one per CPU); an attempt
	// waits up to HashWait for a slot, then is refused as busy.
	HashSlots int
	HashWait  time.Duration
}

// check refuses limits without a meaning at zero; HashSlots 0 is one slot per CPU.
func (l LoginLimits) check() error {
	if l.MaxAttempts <= 0 || l.AttemptWindow <= 0 || l.MaxFailures <= 0 || l.FailureWindow <= 0 ||
		l.MaxBackoff <= 0 || l.HashSlots < 0 || l.HashWait <= 0 {
		return errors.New("LoginLimits: every count and window must be positive (HashSlots 0: one per CPU)")
	}
	return nil
}

// limiter applies LoginLimits over a Counters store and a hashing semaphore.
type limiter struct {
	cfg      LoginLimits
	counters models.Counters
	hashing  chan struct{}
}

func newLimiter(cfg LoginLimits, counters models.Counters) *limiter {
	if cfg.HashSlots == 0 {
		cfg.HashSlots = runtime.GOMAXPROCS(0)
	}
	return &limiter{cfg: cfg, counters: counters, hashing: make(chan struct{}, cfg.HashSlots)}
}

// Counter keys. The account is the email after the trim and lower-casing Login applies, so
// " Bob@x" and "bob@x" share one count; an address is counted by its addressBucket.
func addressKey(addr string) string   { return "login:addr:" + addressBucket(addr) }
func failuresKey(email string) string { return "login:fail:" + email }
func slotKey(email string, failures int64) string {
	return "login:slot:" + email + ":" + strconv.FormatInt(failures, 10)
}

// addressBucket is what the per-address limits count a client address as: an IPv6 address by
// its /64, the block one subscriber gets (RFC 6177), since counting each address would give one
// caller 2^64 budgets; an IPv4 address (or one mapped into IPv6) as it is. Anything that does
// not parse counts as written.
func addressBucket(addr string) string {
	ip, err := netip.ParseAddr(addr)
	if err != nil {
		return addr
	}
	if ip = ip.Unmap(); ip.Is4() {
		return ip.String()
	}
	return netip.PrefixFrom(ip.WithZone(""), 64).Masked().String()
}

// admit decides whether an attempt may check a password: the address's budget first, then
// the account's back-off. It reports the refusal as a rate-limited error with its delay.
func (l *limiter) admit(ctx context.Context, email, addr string) error {
	if addr != "" {
		n, err := l.counters.Incr(ctx, addressKey(addr), l.cfg.AttemptWindow)
		if err != nil {
			return unavailable(err)
		}
		if n > int64(l.cfg.MaxAttempts) {
			return rateLimited(l.cfg.AttemptWindow)
		}
	}
	failures, err := l.counters.Count(ctx, failuresKey(email))
	if err != nil {
		return unavailable(err)
	}
	over := failures - int64(l.cfg.MaxFailures)
	if over < 0 {
		return nil
	}
	// One attempt per slot: the failure that opened the slot holds it until it expires (see
	// record); then the first attempt to take it goes ahead and the others wait.
	wait := l.backoff(over)
	n, err := l.counters.Incr(ctx, slotKey(email, failures), wait)
	if err != nil {
		return unavailable(err)
	}
	if n > 1 {
		return rateLimited(wait)
	}
	return nil
}

// backoff is 1s doubled per failure beyond the free ones, at most MaxBackoff.
func (l *limiter) backoff(over int64) time.Duration {
	if over >= 30 {
		return l.cfg.MaxBackoff
	}
	return min(time.Second<<over, l.cfg.MaxBackoff)
}

// record counts a failed attempt against the account, or clears its failures on success. A
// failure at or past MaxFailures opens the next back-off slot and holds it, so the next
// attempt on the account must wait for the slot to expire.
func (l *limiter) record(ctx context.Context, email string, ok bool) error {
	if ok {
		return l.counters.Reset(ctx, failuresKey(email))
	}
	failures, err := l.counters.Incr(ctx, failuresKey(email), l.cfg.FailureWindow)
	if err != nil || failures < int64(l.cfg.MaxFailures) {
		return err
	}
	_, err = l.counters.Incr(ctx, slotKey(email, failures), l.backoff(failures-int64(l.cfg.MaxFailures)))
	return err
}

// acquireHash waits for a hashing slot. Past HashWait, or when ctx ends, the attempt is
// refused as busy: a queue of bcrypt work would starve every other request of CPU.
func (l *limiter) acquireHash(ctx context.Context) (release func(), err error) {
	timer := time.NewTimer(l.cfg.HashWait)
	defer timer.Stop()
	select {
	case l.hashing <- struct{}{}:
		return func() { <-l.hashing }, nil
	case <-timer.C:
	case <-ctx.Done():
	}
	return nil, busy(time.Second)
}
