package contract

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestWrapPassesTrafficThroughUnchanged(t *testing.T) {
	c := checker(t)
	const sent = `{"name":"Acme","description":"customer 42"}`
	var received string
	srv := httptest.NewServer(c.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		received = string(b)
		rc := http.NewResponseController(w)
		if err := rc.SetWriteDeadline(time.Now().Add(time.Minute)); err != nil {
			t.Errorf("SetWriteDeadline through the recorder: %v", err)
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Rate-Limit-Remaining", "99")
		w.WriteHeader(http.StatusOK)
		half := len(companyJSON) / 2
		_, _ = io.WriteString(w, companyJSON[:half])
		if err := rc.Flush(); err != nil {
			t.Errorf("Flush through the recorder: %v", err)
		}
		_, _ = io.WriteString(w, companyJSON[half:])
	})))
	defer srv.Close()

	req, _ := http.NewRequest("POST", srv.URL+"/companies", strings.NewReader(sent))
	req.Header.Set("Authorization", basicAuth)
	req.Header.Set("Content-Type", "application/json")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()

	if received != sent {
		t.Errorf("handler read %q, want %q", received, sent)
	}
	if resp.StatusCode != 200 || resp.Header.Get("X-Rate-Limit-Remaining") != "99" || string(body) != companyJSON {
		t.Errorf("client got %d %v %q", resp.StatusCode, resp.Header, body)
	}
	wantCheckedOnce(t, c, "POST /companies")
}

func TestWrapChecksTheStatusOfASilentHandler(t *testing.T) {
	c := checker(t)
	// Writing nothing answers 200, which enabling a product does not document (it answers 204).
	k := call{method: "PUT", path: "/companies/" + companyID + "/products/bank-feeds"}
	rec := httptest.NewRecorder()
	c.Wrap(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})).ServeHTTP(rec, k.request())
	if rec.Code != 200 {
		t.Errorf("status %d, want the implicit 200", rec.Code)
	}
	expectViolations(t, c.Violations(), response("status is not supported"))
}

func TestWrapLetsAHandlerHijack(t *testing.T) {
	c := checker(t)
	srv := httptest.NewServer(c.Wrap(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Errorf("Hijack through the recorder: %v", err)
			return
		}
		conn.Close()
	})))
	defer srv.Close()

	req, _ := http.NewRequest("GET", srv.URL+"/companies/"+companyID, nil)
	req.Header.Set("Authorization", basicAuth)
	if resp, err := srv.Client().Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("got %d, want the dropped connection", resp.StatusCode)
	}
	wantCheckedOnce(t, c, "GET /companies/{companyId}")
}

func TestWrapIsSafeForConcurrentUse(t *testing.T) {
	c := checker(t)
	srv := httptest.NewServer(c.Wrap(call{status: 200, response: companyJSON}.handler()))
	defer srv.Close()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 5 {
				req, _ := http.NewRequest("GET", srv.URL+"/companies/"+companyID, nil)
				req.Header.Set("Authorization", basicAuth)
				resp, err := srv.Client().Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		})
	}
	wg.Wait()
	if n := c.Checked()["GET /companies/{companyId}"]; n != 40 {
		t.Errorf("Checked() = %v, want 40 exchanges", c.Checked())
	}
	if v := c.Violations(); len(v) != 0 {
		t.Errorf("violations:\n%s", list(v))
	}
}

// client sends k through c.RoundTripper to a server answering with h.
func client(t *testing.T, c *Checker, h http.Handler, k call) (*http.Response, []byte, error) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	req := k.request()
	req.RequestURI = ""
	req.URL.Scheme, req.URL.Host, req.Host = "http", srv.Listener.Addr().String(), ""
	hc := &http.Client{Transport: c.RoundTripper(nil)}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp, body, err
}

func TestRoundTripper(t *testing.T) {
	c := checker(t)
	const sent = `{"name":"Acme"}`
	var received string
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		received = string(b)
		call{status: 200, response: companyJSON}.handler().ServeHTTP(w, r)
	})
	resp, body, err := client(t, c, h, call{method: "POST", path: "/companies", body: sent})
	if err != nil {
		t.Fatal(err)
	}
	if received != sent || resp.StatusCode != 200 || string(body) != companyJSON {
		t.Errorf("server read %q; client got %d %q", received, resp.StatusCode, body)
	}
	wantCheckedOnce(t, c, "POST /companies")
}

func TestRoundTripperFindsViolations(t *testing.T) {
	c := checker(t)
	_, _, err := client(t, c, call{status: 200, response: `{"name":"Acme"}`}.handler(),
		call{method: "GET", path: "/companies/" + companyID, auth: "-"})
	if err != nil {
		t.Fatal(err)
	}
	expectViolations(t, c.Violations(), request("header Authorization is missing"), response("missing properties 'id', 'redirect'"))

	// The legacy endpoints are checked against the legacy file like every other route.
	c.Reset()
	_, _, err = client(t, c, call{status: 200, response: `{"integrationId":"` + settingsIntegrationID + `","oneTimeSync":true}`}.handler(),
		call{method: "PATCH", path: settingsPath, body: `{"oneTimeSync":true}`})
	if err != nil {
		t.Fatal(err)
	}
	expectViolations(t, c.Violations(), request("oneTimeSync"), response("oneTimeSync"))
	if n := c.Checked()["PATCH /settings/integrations/{integrationId}"]; n != 1 {
		t.Errorf("legacy endpoint: Checked() %v", c.Checked())
	}
}

func TestRoundTripperPassesOnACutResponse(t *testing.T) {
	c := checker(t)
	h := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close()
		fmt.Fprint(buf, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"id\":")
		_ = buf.Flush()
	})
	_, body, err := client(t, c, h, call{method: "GET", path: "/companies/" + companyID})
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("reading the body: %v, want %v", err, io.ErrUnexpectedEOF)
	}
	if string(body) != `{"id":` {
		t.Errorf("body %q, want the part that was sent", body)
	}
	if v := c.Violations(); len(v) != 0 {
		t.Errorf("a cut response is no violation:\n%s", list(v))
	}
}

func TestRoundTripperPassesOnATransportError(t *testing.T) {
	c := checker(t)
	h := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			conn.Close()
		}
	})
	if _, _, err := client(t, c, h, call{method: "DELETE", path: "/companies/" + companyID}); err == nil {
		t.Fatal("want the dropped connection's error")
	}
	wantCheckedOnce(t, c, "DELETE /companies/{companyId}")
}
