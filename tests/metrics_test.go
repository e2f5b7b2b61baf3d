package tests

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// metricsURL is the metrics endpoint the server printed at start.
func metricsURL(t *testing.T, s *Server) string {
	t.Helper()
	m := regexp.MustCompile(`oauthd metrics on (\S+)`).FindStringSubmatch(s.log.String())
	if m == nil {
		t.Fatalf("no metrics address in the log:\n%s", s.log.String())
	}
	return m[1]
}

func scrape(t *testing.T, url string) string {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("scrape: %d %s", res.StatusCode, body)
	}
	return string(body)
}

// sample returns the value of the series whose name and labels start with prefix, or -1.
func sample(body, series string) float64 {
	for _, line := range strings.Split(body, "\n") {
		if rest, ok := strings.CutPrefix(line, series+" "); ok {
			v, err := strconv.ParseFloat(strings.TrimSpace(rest), 64)
			if err == nil {
				return v
			}
		}
	}
	return -1
}

func TestMetricsOnTheirOwnListener(t *testing.T) {
	site := frappeStart(t, []Option{Env("OAUTHD_METRICS_ADDR=127.0.0.1:0", "OAUTHD_OAUTH_BEARER_CACHE_TTL=30s",
		"OAUTHD_LOGIN_MAX_FAILURES=2")})
	endpoint := metricsURL(t, site.Server)
	if r := Send(t, nil, "GET", site.URL+"/metrics", nil); r.Status != http.StatusNotFound {
		t.Fatalf("the public listener serves /metrics: %d", r.Status)
	}
	b := site.frappeLogin(t)
	access := site.frappeTokens(t, b).Str("access_token")
	for range 5 { // one lookup each: the first a miss, then one hit per cached request
		site.frappeBearer(t, "GET", frappeLoggedIn, "Authorization", access)
	}
	for range 3 { // two failures, then the limit
		odooRPCLogin(t, Browser(t), site.Server, frappeEmail, "wrong-password")
	}
	code := site.frappeCode(t, b, frappeOAuth, site.frappeQuery())
	site.frappeExchange(t, frappeOAuth, code)
	site.frappeToken(t, frappeOAuth, url.Values{"grant_type": {"authorization_code"}, "code": {code},
		"redirect_uri": {frappeRedirect}, "client_id": {site.client.ID}, "client_secret": {site.client.Secret}})
	Send(t, nil, "GET", site.URL+"/api/method/scanner-probe-"+randomHex(8), nil)
	Send(t, nil, "GET", site.URL+"/wp-admin/"+randomHex(8), nil)
	time.Sleep(50 * time.Millisecond) // the access middleware counts after the response is written

	body := scrape(t, endpoint)
	want := map[string]float64{
		`oauthd_http_requests_total{dialect="frappe",method="POST",route="/api/method/frappe.integrations.oauth2.get_token",status="200"}`: 2,
		`oauthd_http_requests_total{dialect="frappe",method="GET",route="/api/method/frappe.auth.get_logged_user",status="200"}`:           5,
		`oauthd_http_requests_total{dialect="frappe",method="GET",route="unmatched",status="404"}`:                                         1,
		`oauthd_http_requests_total{dialect="none",method="GET",route="unmatched",status="404"}`:                                           2, // and /metrics on the public listener
		`oauthd_http_request_duration_seconds_count{dialect="frappe",method="POST",route="/api/method/login"}`:                             1,
		`oauthd_tokens_issued_total{dialect="frappe",grant_type="authorization_code"}`:                                                     2,
		`oauthd_logins_total{dialect="frappe",outcome="succeeded"}`:                                                                        1,
		`oauthd_logins_total{dialect="odoo",outcome="failed"}`:                                                                             2,
		`oauthd_logins_total{dialect="odoo",outcome="limited"}`:                                                                            1,
		`oauthd_refresh_reuse_total{dialect="frappe"}`:                                                                                     1,
		`oauthd_bearer_cache_total{result="hit"}`:                                                                                          4,
		`oauthd_bearer_cache_total{result="miss"}`:                                                                                         1,
	}
	for series, v := range want {
		if got := sample(body, series); got != v {
			t.Errorf("%s = %v, want %v\n%s", series, got, v, body)
		}
	}
	for _, present := range []string{"go_goroutines ", "process_cpu_seconds_total ", `go_sql_open_connections{db_name=`} {
		if !strings.Contains(body, present) {
			t.Errorf("no %s in the metrics", present)
		}
	}
	for _, absent := range []string{"scanner-probe", "wp-admin", site.client.ID, access[:12], frappeEmail} {
		if strings.Contains(body, absent) {
			t.Errorf("the metrics hold %q: labels must stay bounded and carry no identities", absent)
		}
	}
}

func TestMetricsOffByDefault(t *testing.T) {
	s := StartServer(t)
	if strings.Contains(s.log.String(), "oauthd metrics on") {
		t.Fatal("a metrics listener started without metrics.addr")
	}
}
