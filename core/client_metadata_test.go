package core

import "testing"

func TestCheckClientInfo(t *testing.T) {
	long := "https://app.example/" + string(make([]byte, maxMetadataURI))
	cases := []struct {
		name string
		info ClientInfo
		ok   bool
	}{
		{"nothing", ClientInfo{}, true},
		{"https pages", ClientInfo{ClientURI: "https://app.example", LogoURI: "https://cdn.example/l.png?v=2",
			TOSURI: "https://app.example/tos", PolicyURI: "https://app.example/privacy#data"}, true},
		{"http on loopback", ClientInfo{ClientURI: "http://localhost:3000/", LogoURI: "http://127.0.0.1/l.png",
			TOSURI: "http://[::1]:8080/tos"}, true},
		{"http elsewhere", ClientInfo{ClientURI: "http://app.example"}, false},
		{"http on a name ending in localhost", ClientInfo{LogoURI: "http://localhost.evil.example/l.png"}, false},
		{"http on a name beginning 127.", ClientInfo{ClientURI: "http://127.evil.example/"}, false},
		{"http on 127.0.0.0/8", ClientInfo{ClientURI: "http://127.1.2.3:8080/"}, true},
		{"http on mapped loopback", ClientInfo{ClientURI: "http://[::ffff:127.0.0.1]/"}, true},
		{"another scheme", ClientInfo{TOSURI: "javascript:alert(1)"}, false},
		{"data URI", ClientInfo{LogoURI: "data:image/png;base64,AAAA"}, false},
		{"relative", ClientInfo{PolicyURI: "/privacy"}, false},
		{"user info", ClientInfo{ClientURI: "https://bank.example@evil.example"}, false},
		{"too long", ClientInfo{ClientURI: long}, false},
		{"contacts", ClientInfo{Contacts: []string{"ops@app.example", "a.b+c@d.example"}}, true},
		{"a contact with a name", ClientInfo{Contacts: []string{"Ops <ops@app.example>"}}, false},
		{"a contact that is no address", ClientInfo{Contacts: []string{"ops"}}, false},
		{"a contact with a newline", ClientInfo{Contacts: []string{"ops@app.example\nx@y.example"}}, false},
		{"too many contacts", ClientInfo{Contacts: make([]string, maxContacts+1)}, false},
	}
	for _, tc := range cases {
		if err := checkClientInfo(tc.info); (err == nil) != tc.ok {
			t.Errorf("%s: %v, want ok=%v", tc.name, err, tc.ok)
		}
	}
}
