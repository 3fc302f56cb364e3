package sandbox_test

import (
	"errors"
	"maps"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
)

func TestSMBHooks(t *testing.T) {
	e, _ := clockedEnv(t, mappingNow, sandbox.Options{})
	c, conn := e.xeroConnection()
	e.createAccount(c.ID, conn.ID, gbpAccount("a1"))

	if err := e.sb.AuthorizeConnection(c.ID, conn.ID); err != nil {
		t.Fatal(err)
	}
	var got connectionOut
	e.call(http.MethodGet, "/companies/"+c.ID+"/connections/"+conn.ID, nil).expect(t, http.StatusOK).decode(t, &got)
	if got.Status != sandbox.ConnectionLinked {
		t.Errorf("status %s after authorising", got.Status)
	}

	targets := e.sb.TargetAccounts(c.ID, conn.ID)
	if err := e.sb.MapAccount(c.ID, conn.ID, "a1", targets[2].ID, mappingNow); err == nil {
		t.Error("mapping a GBP account to a USD account succeeded")
	}
	if err := e.sb.MapAccount(c.ID, conn.ID, "a1", targets[1].ID, mappingNow.AddDate(0, -1, 0)); err != nil {
		t.Fatal(err)
	}
	a, _ := e.sb.SourceAccount(c.ID, conn.ID, "a1")
	if a.Status != sandbox.AccountConnected || a.TargetAccountID != targets[1].ID || !a.FeedStartDate.Equal(time.Date(2025, 5, 15, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("mapped %+v", a)
	}
	if err := e.sb.DisconnectAccount(c.ID, conn.ID, "a1"); err != nil {
		t.Fatal(err)
	}
	if a, _ := e.sb.SourceAccount(c.ID, conn.ID, "a1"); a.Status != sandbox.AccountDisconnected || a.TargetAccountID != "" {
		t.Errorf("disconnected %+v", a)
	}
	// A disconnected account can be mapped again.
	if err := e.sb.MapAccount(c.ID, conn.ID, "a1", "", mappingNow); err != nil {
		t.Fatal(err)
	}

	for name, err := range map[string]error{
		"authorise":   e.sb.AuthorizeConnection(c.ID, uuid.NewString()),
		"map":         e.sb.MapAccount(uuid.NewString(), conn.ID, "a1", "", mappingNow),
		"disconnect":  e.sb.DisconnectAccount(c.ID, conn.ID, "nope"),
		"bank feeds":  e.sb.SetBankFeedsSupported(c.ID, uuid.NewString(), false),
		"delete":      e.sb.DeleteCompany(uuid.NewString()),
		"rename":      e.sb.SetCompanyName(uuid.NewString(), "x"),
		"delete conn": e.sb.DeleteConnection(c.ID, uuid.NewString()),
		"status":      e.sb.SetConnectionStatus(uuid.NewString(), conn.ID, sandbox.ConnectionLinked),
		"delete acc":  e.sb.DeleteSourceAccount(c.ID, conn.ID, "nope"),
		"update acc":  e.sb.UpdateSourceAccount(c.ID, conn.ID, "nope", func(*sandbox.SourceAccount) {}),
		"enable":      e.sb.SetIntegrationEnabled("zzzz", true),
	} {
		if !errors.Is(err, sandbox.ErrNotFound) {
			t.Errorf("%s: %v, want ErrNotFound", name, err)
		}
	}
	var merr *sandbox.MappingError
	if err := e.sb.MapAccount(c.ID, conn.ID, "nope", "", mappingNow); !errors.As(err, &merr) || !errors.Is(err, sandbox.ErrNotFound) {
		t.Errorf("mapping an unknown account: %v", err)
	}
	if err := e.sb.MapAccount(c.ID, conn.ID, "a1", uuid.NewString(), mappingNow); errors.Is(err, sandbox.ErrNotFound) || err == nil {
		t.Errorf("mapping to an unknown target: %v, want a MappingError that is no ErrNotFound", err)
	}
}

func TestSnapshotsAreCopies(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	var c companyOut
	e.call(http.MethodPost, "/companies", map[string]any{"name": "A", "tags": map[string]string{"k": "v"}}).expect(t, http.StatusOK).decode(t, &c)
	snap, _ := e.sb.Company(c.ID)
	snap.Tags["k"] = "changed"
	if again, _ := e.sb.Company(c.ID); again.Tags["k"] != "v" {
		t.Error("changing a snapshot changed the sandbox")
	}
	if _, ok := e.sb.Company(uuid.NewString()); ok {
		t.Error("found an unknown company")
	}
	if _, ok := e.sb.Connection(c.ID, uuid.NewString()); ok {
		t.Error("found an unknown connection")
	}
	if _, ok := e.sb.SourceAccount(c.ID, uuid.NewString(), "a"); ok {
		t.Error("found an unknown account")
	}
	if e.sb.Connections(uuid.NewString()) != nil || e.sb.TargetAccounts(c.ID, uuid.NewString()) != nil {
		t.Error("lists for unknown parents are not empty")
	}
}

func TestDriftHelpers(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	c, conn := e.linkedXero()
	e.createAccount(c.ID, conn.ID, gbpAccount("a1"))

	if err := e.sb.SetCompanyName(c.ID, "Renamed (outside)"); err != nil {
		t.Fatal(err)
	}
	var got companyOut
	e.call(http.MethodGet, "/companies/"+c.ID, nil).expect(t, http.StatusOK).decode(t, &got)
	if got.Name != "Renamed (outside)" {
		t.Errorf("name %q", got.Name)
	}
	err := e.sb.UpdateCompany(c.ID, func(co *sandbox.Company) {
		co.Description = "d"
		co.Tags = map[string]string{"x": "y"}
		co.Products = []string{"lending", "bank-feeds", "lending"}
		co.ID = "ignored"
	})
	if err != nil {
		t.Fatal(err)
	}
	stored, ok := e.sb.Company(c.ID)
	if !ok || stored.Description != "d" || !maps.Equal(stored.Tags, map[string]string{"x": "y"}) || !slices.Equal(stored.Products, []string{"bank-feeds", "lending"}) {
		t.Errorf("updated %+v", stored)
	}
	if err := e.sb.UpdateCompany(c.ID, func(co *sandbox.Company) { co.Products = []string{"warp-drive"} }); err == nil {
		t.Error("an unknown product was accepted")
	}

	if err := e.sb.SetConnectionStatus(c.ID, conn.ID, sandbox.ConnectionDeauthorized); err != nil {
		t.Fatal(err)
	}
	if cn, _ := e.sb.Connection(c.ID, conn.ID); cn.Status != sandbox.ConnectionDeauthorized {
		t.Errorf("status %s", cn.Status)
	}
	if err := e.sb.SetConnectionStatus(c.ID, conn.ID, "Broken"); err == nil {
		t.Error("an invalid status was accepted")
	}

	if err := e.sb.UpdateSourceAccount(c.ID, conn.ID, "a1", func(a *sandbox.SourceAccount) {
		a.AccountName = "Drifted"
		a.Balance = "1"
		a.ID = "ignored"
	}); err != nil {
		t.Fatal(err)
	}
	var list []map[string]any
	e.call(http.MethodGet, accountsPath(c.ID, conn.ID), nil).expect(t, http.StatusOK).decode(t, &list)
	if list[0]["id"] != "a1" || list[0]["accountName"] != "Drifted" || list[0]["balance"] != float64(1) {
		t.Errorf("account %v", list[0])
	}
	if err := e.sb.DeleteSourceAccount(c.ID, conn.ID, "a1"); err != nil {
		t.Fatal(err)
	}
	if err := e.sb.DeleteConnection(c.ID, conn.ID); err != nil {
		t.Fatal(err)
	}
	e.call(http.MethodGet, "/companies/"+c.ID+"/connections/"+conn.ID, nil).apiError(t, http.StatusNotFound)
	if err := e.sb.DeleteCompany(c.ID); err != nil {
		t.Fatal(err)
	}
	e.call(http.MethodGet, "/companies/"+c.ID, nil).apiError(t, http.StatusNotFound)
	if len(e.sb.Companies()) != 0 {
		t.Error("companies left")
	}
}

func TestIntegrationDriftHelpers(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	if err := e.sb.SetIntegrationEnabled("gbol", true); err != nil {
		t.Fatal(err)
	}
	if err := e.sb.SetIntegrationCredentials("gbol", map[string]string{"clientId": "abcdefgh"}); err != nil {
		t.Fatal(err)
	}
	if err := e.sb.SetIntegrationOneTimeSync("gbol", true); err != nil {
		t.Fatal(err)
	}
	var got integrationOut
	e.call(http.MethodGet, "/integrations/gbol", nil).expect(t, http.StatusOK).decode(t, &got)
	var creds map[string]string
	e.call(http.MethodGet, "/integrations/credentials/gbol", nil).expect(t, http.StatusOK).decode(t, &creds)
	one, _ := e.sb.IntegrationSettings(xeroIntegrationID)
	if !got.Enabled || creds["clientId"] != "XXXXefgh" || !one {
		t.Errorf("enabled %v, credentials %v, oneTimeSync %v", got.Enabled, creds, one)
	}
	i, ok := e.sb.Integration("gbol")
	if !ok || i.IntegrationID != xeroIntegrationID || i.Name != "Xero" || !i.Enabled || !i.OneTimeSync || i.Credentials["clientId"] != "abcdefgh" {
		t.Errorf("integration %+v", i)
	}
	if _, ok := e.sb.Integration("zzzz"); ok || e.sb.IntegrationEnabled("zzzz") {
		t.Error("found an unknown integration")
	}
}
