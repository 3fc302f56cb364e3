package provider

import (
	"context"
	"reflect"
	"runtime"
	"testing"
	"time"
	"weak"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

type payloadKey struct{}

// payload stands for what the plugin SDK puts in a request's context (its loggers).
type payload struct{ _ [64 << 10]byte }

// servePayload serves one request whose context carries a payload, and returns a weak pointer to the payload.
func servePayload(t *testing.T, request func(context.Context) error) weak.Pointer[payload] {
	t.Helper()
	p := new(payload)
	ctx, cancel := context.WithCancel(context.WithValue(context.Background(), payloadKey{}, p))
	defer cancel()
	if err := request(ctx); err != nil {
		t.Fatal(err)
	}
	return weak.Make(p)
}

// The framework keeps every request's context until the provider is stopped; the server the provider serves
// must not let that keep what the context carries.
func TestProtocol6ServerReleasesRequestContexts(t *testing.T) {
	server := NewProtocol6Server("test")()
	requests := map[string]func(context.Context) error{
		"ValidateResourceConfig": func(ctx context.Context) error {
			_, err := server.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: "codat_company"})
			return err
		},
		"ReadDataSource": func(ctx context.Context) error {
			_, err := server.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{TypeName: "codat_bank_feed_mapping"})
			return err
		},
		// Once per listed object when terraform query writes configuration (-generate-config-out).
		"GenerateResourceConfig": func(ctx context.Context) error {
			_, err := server.GenerateResourceConfig(ctx, &tfprotov6.GenerateResourceConfigRequest{TypeName: "codat_company"})
			return err
		},
		"PlanResourceChange": func(ctx context.Context) error {
			_, err := server.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{TypeName: "codat_bank_feed_account"})
			return err
		},
	}
	for name, request := range requests {
		t.Run(name, func(t *testing.T) {
			kept := servePayload(t, request)
			for range 3 {
				runtime.GC()
			}
			if kept.Value() != nil {
				t.Errorf("after %s returned, the server still holds its request's context", name)
			}
		})
	}
}

// Wrapping the framework's server must not hide any protocol method it implements, optional ones included.
func TestProtocol6ServerKeepsEveryMethod(t *testing.T) {
	framework := reflect.TypeOf(providerserver.NewProtocol6(New("test")())())
	served := reflect.TypeOf(NewProtocol6Server("test")())
	if served == framework {
		t.Fatal("NewProtocol6Server serves the framework's server as it is: it no longer implements frameworkServer")
	}
	for i := range framework.NumMethod() {
		name := framework.Method(i).Name
		if _, ok := served.MethodByName(name); !ok {
			t.Errorf("the served server lacks the framework's method %s", name)
		}
	}
}

func TestRequestContextForwardsUntilReleased(t *testing.T) {
	deadline := time.Now().Add(time.Hour)
	parent, cancel := context.WithDeadline(context.WithValue(context.Background(), payloadKey{}, "v"), deadline)
	defer cancel()
	rc := newRequestContext(parent)

	if got := rc.Value(payloadKey{}); got != "v" {
		t.Errorf("Value before release = %v, want v", got)
	}
	if d, ok := rc.Deadline(); !ok || !d.Equal(deadline) {
		t.Errorf("Deadline = %v, %v; want %v, true", d, ok, deadline)
	}
	child, stop := context.WithCancel(rc)
	defer stop()

	rc.release()
	if got := rc.Value(payloadKey{}); got != nil {
		t.Errorf("Value after release = %v, want nil", got)
	}
	if rc.Err() != nil || child.Err() != nil {
		t.Fatalf("Err before the parent is cancelled = %v, %v", rc.Err(), child.Err())
	}
	cancel()
	select {
	case <-child.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("a context derived from the request context was not cancelled with the parent")
	}
	if rc.Err() == nil {
		t.Error("Err after the parent was cancelled is nil")
	}
}
