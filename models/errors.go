package models

import "errors"

// ErrNotFound is returned when a looked-up record does not exist.
var ErrNotFound = errors.New("not found")

// ErrConflict is returned when a unique key (an email, a client id, an admin token's name) is
// already taken.
var ErrConflict = errors.New("already exists")

// ErrTxLost is returned when the database ended a transaction under its caller without saying
// so (a Galera node's abort whose error the driver lost): the statements after that point ran
// outside it, so the caller answers "try again later" rather than trust a half-run transaction.
var ErrTxLost = errors.New("transaction ended by the database without an error")
