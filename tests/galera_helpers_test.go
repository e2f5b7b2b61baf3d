package tests

// A three-node MariaDB Galera cluster on this machine, started by the test under a temporary
// directory on ports of its own (never the system MariaDB on 3306), and stopped after it.

import (
	"database/sql"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const galeraProvider = "/usr/lib/galera/libgalera_smm.so"

type galeraNode struct {
	dir  string
	port int // MariaDB client port
	cmd  *exec.Cmd
	SQL  *sql.DB // root, no database
}

// startGalera starts three nodes and waits until they form one cluster. It skips without
// galera-4 and mariadbd unless OAUTHD_REQUIRE_GALERA=1.
func startGalera(t *testing.T) []*galeraNode {
	t.Helper()
	mariadbd, err1 := exec.LookPath("mariadbd")
	if err1 != nil {
		mariadbd, err1 = "/usr/sbin/mariadbd", nil
	}
	_, err2 := os.Stat(galeraProvider)
	_, err3 := os.Stat(mariadbd)
	installDB, err4 := exec.LookPath("mariadb-install-db")
	for _, err := range []error{err2, err3, err4} {
		if err != nil {
			if os.Getenv("OAUTHD_REQUIRE_GALERA") == "1" {
				t.Fatalf("OAUTHD_REQUIRE_GALERA=1 but Galera is not installed: %v", err)
			}
			t.Skipf("Galera not installed: %v", err)
		}
	}
	root, err := os.MkdirTemp("", "oauthd-galera-")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(root, 0o755) // mariadbd runs as mysql when the test runs as root
	ports := freePorts(t, 12)
	var gcomm []string
	for i := range 3 {
		gcomm = append(gcomm, fmt.Sprintf("127.0.0.1:%d", ports[4*i+1]))
	}
	nodes := make([]*galeraNode, 3)
	for i := range nodes {
		n := &galeraNode{dir: filepath.Join(root, fmt.Sprintf("n%d", i+1)), port: ports[4*i]}
		writeGaleraConfig(t, n, ports[4*i:4*i+4], strings.Join(gcomm, ","))
		nodes[i] = n
	}
	t.Cleanup(func() {
		for _, n := range nodes {
			n.stop()
		}
		os.RemoveAll(root)
	})
	if os.Geteuid() == 0 {
		run(t, "chown", "-R", "mysql:mysql", root)
	}
	run(t, installDB, "--defaults-file="+nodes[0].cnf(), "--auth-root-authentication-method=normal", "--skip-test-db")
	for i, n := range nodes {
		args := []string{"--defaults-file=" + n.cnf()}
		if i == 0 {
			args = append(args, "--wsrep-new-cluster")
		} else if os.Geteuid() == 0 {
			run(t, "chown", "-R", "mysql:mysql", root) // the joiner's data directory
		}
		n.start(t, mariadbd, args...)
	}
	waitFor(t, 60*time.Second, "a cluster of 3", func() bool {
		var name string
		var size int
		return nodes[0].SQL.QueryRow("SHOW STATUS LIKE 'wsrep_cluster_size'").Scan(&name, &size) == nil && size == 3
	})
	return nodes
}

func (n *galeraNode) cnf() string { return filepath.Join(n.dir, "my.cnf") }

// writeGaleraConfig writes a node's my.cnf; ports are client, group, IST and SST.
func writeGaleraConfig(t *testing.T, n *galeraNode, ports []int, gcomm string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(n.dir, "data"), 0o755); err != nil {
		t.Fatal(err)
	}
	user := "mysql"
	if os.Geteuid() != 0 {
		user = os.Getenv("USER")
	}
	cnf := fmt.Sprintf(`[mysqld]
datadir=%[1]s/data
socket=%[1]s/sock
pid-file=%[1]s/pid
port=%[2]d
bind-address=127.0.0.1
user=%[7]s
skip-log-bin
innodb_buffer_pool_size=32M
innodb_log_file_size=16M
performance_schema=OFF
binlog_format=ROW
default_storage_engine=InnoDB
innodb_autoinc_lock_mode=2
# Causal reads: a row committed through one node is visible to the next read on any other.
wsrep_sync_wait=1
wsrep_log_conflicts=ON
wsrep_on=ON
wsrep_provider=%[8]s
wsrep_cluster_name=oauthd_test
wsrep_cluster_address=gcomm://%[6]s
wsrep_provider_options="gmcast.listen_addr=tcp://127.0.0.1:%[3]d;ist.recv_addr=127.0.0.1:%[4]d;gcache.size=32M;evs.keepalive_period=PT0.5S;evs.suspect_timeout=PT2S;evs.inactive_timeout=PT4S;evs.install_timeout=PT4S"
wsrep_node_address=127.0.0.1:%[3]d
wsrep_sst_receive_address=127.0.0.1:%[5]d
wsrep_node_incoming_address=127.0.0.1:%[2]d
wsrep_sst_method=rsync
`, n.dir, ports[0], ports[1], ports[2], ports[3], gcomm, user, galeraProvider)
	if err := os.WriteFile(n.cnf(), []byte(cnf), 0o644); err != nil {
		t.Fatal(err)
	}
}

func (n *galeraNode) start(t *testing.T, mariadbd string, args ...string) {
	t.Helper()
	logf, err := os.Create(filepath.Join(n.dir, "log"))
	if err != nil {
		t.Fatal(err)
	}
	n.cmd = exec.Command(mariadbd, args...)
	n.cmd.Stdout, n.cmd.Stderr = logf, logf
	if err := n.cmd.Start(); err != nil {
		t.Fatalf("start mariadbd: %v", err)
	}
	go func() { n.cmd.Wait(); logf.Close() }()
	if n.SQL, err = sql.Open("mysql", fmt.Sprintf("root@tcp(127.0.0.1:%d)/?timeout=2s", n.port)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 90*time.Second, "node "+n.dir+" to answer", func() bool { return n.SQL.Ping() == nil })
}

// kill ends the node at once, as a crash would.
func (n *galeraNode) kill() {
	if n.cmd != nil && n.cmd.Process != nil {
		n.cmd.Process.Kill()
	}
}

func (n *galeraNode) stop() {
	if n.SQL != nil {
		n.SQL.Close()
	}
	n.kill()
}

// dsn is the node's address for oauthd, in database name.
func (n *galeraNode) dsn(name string) string {
	return fmt.Sprintf("root@tcp(127.0.0.1:%d)/%s", n.port, name)
}

func freePorts(t *testing.T, count int) []int {
	t.Helper()
	var ports []int
	var lns []net.Listener
	for range count {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		lns = append(lns, ln)
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
	}
	for _, ln := range lns {
		ln.Close()
	}
	return ports
}

func run(t *testing.T, name string, args ...string) {
	t.Helper()
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
}

func waitFor(t *testing.T, limit time.Duration, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(limit); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if ok() {
			return
		}
	}
	t.Fatalf("timed out after %v waiting for %s", limit, what)
}
