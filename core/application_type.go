package core

import (
	"fmt"
	"net/url"
	"strings"
)

// Application types (OpenID Connect Dynamic Client Registration §2): where a client runs,
// which decides where its redirect URIs may point.
const (
	AppWeb    = "web"    // a site: https redirect URIs, or http on a loopback host while developing
	AppNative = "native" // an app on the user's device (RFC 8252): loopback http or a private-use scheme
)

// checkApplicationType refuses an application type other than web and native; "" is web.
func checkApplicationType(appType string) (string, *Error) {
	switch appType {
	case "":
		return AppWeb, nil
	case AppWeb, AppNative:
		return appType, nil
	}
	return "", metadataError("application_type %q is not supported (web or native).", appType)
}

// checkAppRedirects holds a self-described client's redirect URIs to its application type:
// web: https, or http on a loopback host; native: http on a loopback host, or a private-use
// scheme (RFC 8252 §7.1: a reverse domain name such as com.example.app).
func checkAppRedirects(appType string, uris []string) *Error {
	for _, uri := range uris {
		u, err := url.Parse(uri)
		if err != nil {
			return fail(ErrInvalidRedirectURI, ReasonBadParameter, fmt.Sprintf("%q is not a valid redirect URI.", uri))
		}
		loopbackHTTP := u.Scheme == "http" && loopback(strings.ToLower(u.Hostname()))
		ok := u.Scheme == "https" || loopbackHTTP
		if appType == AppNative {
			ok = loopbackHTTP || privateUseScheme(u.Scheme)
		}
		if !ok {
			return fail(ErrInvalidRedirectURI, ReasonBadParameter, fmt.Sprintf(
				"%q: a %s client's redirect URIs are %s.", uri, appType, appRedirectRule[appType]))
		}
	}
	return nil
}

var appRedirectRule = map[string]string{
	AppWeb:    "https, or http on a loopback host",
	AppNative: "http on a loopback host, or a private-use scheme such as com.example.app:/cb",
}

// privateUseScheme reports whether scheme is a private-use URI scheme (RFC 8252 §7.1): a
// reverse domain name, so it holds a dot; http, https and the like never do.
func privateUseScheme(scheme string) bool {
	return strings.Contains(scheme, ".")
}
