package store

// AssumeCluster makes s act as on a Galera node, so a test on a plain MariaDB can check what
// a transaction that the database ended under it does.
func (s *Store) AssumeCluster() { s.cluster = true }
