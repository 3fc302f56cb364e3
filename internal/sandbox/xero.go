package sandbox

import (
	"crypto/subtle"
	"net/http"
	"net/url"
)

const (
	xeroTokenPath = "/xero/connect/token"
	// xeroTokenRoute is counted with the API routes, but faults are never injected into it.
	xeroTokenRoute = http.MethodPost + " " + xeroTokenPath
)

type xeroApp struct {
	secret string
	// customConnection apps may use the client-credentials grant; standard apps may not.
	customConnection bool
}

// RegisterXeroApp registers a standard Xero app. Its credentials are genuine, but Xero refuses
// the client-credentials grant for standard apps: the token endpoint answers
// unauthorized_client, which is how the provider tells real credentials from wrong ones.
func (s *Sandbox) RegisterXeroApp(clientID, secret string) {
	s.registerXeroApp(clientID, xeroApp{secret: secret})
}

// RegisterXeroCustomConnection registers a Xero custom connection, for which the token
// endpoint issues an access token.
func (s *Sandbox) RegisterXeroCustomConnection(clientID, secret string) {
	s.registerXeroApp(clientID, xeroApp{secret: secret, customConnection: true})
}

func (s *Sandbox) registerXeroApp(clientID string, app xeroApp) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.xeroApps[clientID] = app
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	jsonResponse(status, v).write(w)
}

// serveXeroToken emulates Xero's OAuth2 token endpoint for the client-credentials grant. Client
// credentials may come in the Authorization header or the form, as RFC 6749 allows.
func (s *Sandbox) serveXeroToken(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "invalid_request"})
		return
	}
	s.stats.record(xeroTokenRoute)
	if err := r.ParseForm(); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request"})
		return
	}
	if gt := r.PostForm.Get("grant_type"); gt != "client_credentials" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "unsupported_grant_type"})
		return
	}
	id, secret, ok := r.BasicAuth()
	if ok {
		// RFC 6749 §2.3.1: the client id and secret are form-encoded before they go into the Basic header.
		var errID, errSecret error
		id, errID = url.QueryUnescape(id)
		secret, errSecret = url.QueryUnescape(secret)
		if errID != nil || errSecret != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_client"})
			return
		}
	} else {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	s.mu.Lock()
	app, known := s.xeroApps[id]
	s.mu.Unlock()
	switch {
	case !known || id == "" || subtle.ConstantTimeCompare([]byte(app.secret), []byte(secret)) != 1:
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_client"})
	case !app.customConnection:
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "unauthorized_client"})
	default:
		w.Header().Set("Cache-Control", "no-store")
		writeJSON(w, http.StatusOK, map[string]any{
			"access_token": randomKey(64),
			"expires_in":   1800,
			"token_type":   "Bearer",
			"scope":        "bankfeeds accounting.settings",
		})
	}
}
