package contract

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeTB records what ForTest does to a test. Skipf and Fatalf end the test like the real ones do,
// by panicking with the message.
type fakeTB struct {
	testing.TB
	cleanups []func()
	errors   []string
}

type endTest string

func (f *fakeTB) Helper()           {}
func (f *fakeTB) Cleanup(fn func()) { f.cleanups = append(f.cleanups, fn) }
func (f *fakeTB) Errorf(format string, a ...any) {
	f.errors = append(f.errors, fmt.Sprintf(format, a...))
}
func (f *fakeTB) Skipf(format string, a ...any) { panic(endTest("skip: " + fmt.Sprintf(format, a...))) }
func (f *fakeTB) Fatalf(format string, a ...any) {
	panic(endTest("fatal: " + fmt.Sprintf(format, a...)))
}

func (f *fakeTB) runCleanups() {
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		f.cleanups[i]()
	}
}

// ended runs fn and returns how it ended the test, or "" when it returned.
func ended(fn func()) (how string) {
	defer func() {
		if r := recover(); r != nil {
			end, ok := r.(endTest)
			if !ok {
				panic(r)
			}
			how = string(end)
		}
	}()
	fn()
	return ""
}

func TestForTestReportsViolationsAtCleanup(t *testing.T) {
	loaded := checker(t)
	first, second := &fakeTB{}, &fakeTB{}
	c1 := forTest(first, loaded, nil, nil)
	c2 := forTest(second, loaded, nil, nil)

	serve(t, c1, call{method: "GET", path: "/nowhere", status: 404})
	serve(t, c2, call{method: "DELETE", path: "/companies/" + companyID, status: 204})
	if len(c2.Violations()) != 0 || len(c1.Violations()) != 1 {
		t.Fatalf("views share state: c1 %v, c2 %v", c1.Violations(), c2.Violations())
	}

	first.runCleanups()
	second.runCleanups()
	if len(first.errors) != 1 || !strings.Contains(first.errors[0], "contract violation: route GET /nowhere") {
		t.Errorf("errors of the first test: %q", first.errors)
	}
	if len(second.errors) != 0 {
		t.Errorf("errors of the second test: %q", second.errors)
	}
}

func TestForTestSkipsWithoutTheFiles(t *testing.T) {
	how := ended(func() { forTest(&fakeTB{}, nil, errors.New("no Codat OpenAPI files: /x"), nil) })
	if how != "skip: contract check skipped: no Codat OpenAPI files: /x" {
		t.Errorf("ended with %q", how)
	}
	how = ended(func() { forTest(&fakeTB{}, nil, nil, errors.New("bad file")) })
	if how != "fatal: loading Codat's OpenAPI files: bad file" {
		t.Errorf("ended with %q", how)
	}
}

func TestForTest(t *testing.T) {
	c := ForTest(t)
	serve(t, c, call{method: "GET", path: "/companies/" + companyID, status: 200, response: companyJSON})
	if c.Checked()["GET /companies/{companyId}"] != 1 {
		t.Errorf("Checked() = %v", c.Checked())
	}
}

// writeSpecs makes dir look like the folder of Codat's OpenAPI files.
func writeSpecs(t *testing.T, dir string) {
	t.Helper()
	file := filepath.Join(dir, specFiles[0])
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestSpecDir(t *testing.T) {
	t.Run("from the environment", func(t *testing.T) {
		dir := t.TempDir()
		writeSpecs(t, dir)
		t.Setenv(EnvSpecDir, dir)
		if got, err := SpecDir(); err != nil || got != dir {
			t.Errorf("SpecDir() = %q, %v; want %q", got, err, dir)
		}
	})
	t.Run("from the environment, without the files", func(t *testing.T) {
		dir := t.TempDir()
		t.Setenv(EnvSpecDir, dir)
		if _, err := SpecDir(); err == nil || !strings.Contains(err.Error(), dir) || !strings.Contains(err.Error(), "Codat-Platform.json") {
			t.Errorf("err = %v; want it to name %s and the file", err, dir)
		}
	})
	t.Run("beside the module", func(t *testing.T) {
		root := t.TempDir()
		module := filepath.Join(root, "main")
		writeSpecs(t, filepath.Join(root, "shared", "codat-openapi"))
		if err := os.MkdirAll(filepath.Join(module, "internal", "x"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(module, "go.mod"), []byte("module m\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Setenv(EnvSpecDir, "")
		t.Chdir(filepath.Join(module, "internal", "x"))
		want := filepath.Join(root, "shared", "codat-openapi")
		if got, err := SpecDir(); err != nil || got != want {
			t.Errorf("SpecDir() = %q, %v; want %q", got, err, want)
		}

		if err := os.RemoveAll(filepath.Join(root, "shared")); err != nil {
			t.Fatal(err)
		}
		if _, err := SpecDir(); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v; want it to name %s", err, want)
		}
	})
	t.Run("outside a module", func(t *testing.T) {
		dir := t.TempDir()
		t.Setenv(EnvSpecDir, "")
		t.Chdir(dir)
		if _, err := SpecDir(); err == nil || !strings.Contains(err.Error(), "no go.mod in "+dir) {
			t.Errorf("err = %v; want it to say where it looked", err)
		}
	})
}

func TestLoadWithoutTheFiles(t *testing.T) {
	if _, err := Load(t.TempDir()); err == nil || !strings.Contains(err.Error(), "Codat-Platform.json") {
		t.Errorf("err = %v; want it to name the missing file", err)
	}
}

func TestViolationString(t *testing.T) {
	for _, tt := range []struct {
		v    Violation
		want string
	}{
		{Violation{Method: "GET", Path: "/nowhere", Phase: "route", Message: "no operation"},
			"route GET /nowhere: no operation"},
		{Violation{Method: "POST", Path: "/companies", Route: "/companies", Phase: "request", Message: "m"},
			"request POST /companies: m"},
		{Violation{Method: "GET", Path: "/companies/1", Route: "/companies/{companyId}", Status: 404, Phase: "response", Message: "m"},
			"response GET /companies/1 (/companies/{companyId}) -> 404: m"},
	} {
		if got := tt.v.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}

func BenchmarkLoad(b *testing.B) {
	dir, err := SpecDir()
	if err != nil {
		b.Skipf("contract check skipped: %v", err)
	}
	for b.Loop() {
		if _, err := Load(dir); err != nil {
			b.Fatal(err)
		}
	}
}
