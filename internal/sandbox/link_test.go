package sandbox_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
)

// linkFlow is a Xero connection and the paths of its link page, as the SMB user's browser
// sees them.
type linkFlow struct {
	*env
	company, connection    string
	start, connect, discon string
}

// newLinkFlow creates a company with a Xero connection and the given source accounts, on a
// sandbox whose clock stands at mappingNow.
func newLinkFlow(t *testing.T, opts sandbox.Options, accounts ...map[string]any) *linkFlow {
	t.Helper()
	if opts.Now == nil {
		opts.Now = sandbox.NewClock(mappingNow).Now
	}
	e := newEnv(t, opts)
	c, conn := e.xeroConnection()
	for _, a := range accounts {
		e.createAccount(c.ID, conn.ID, a)
	}
	start := strings.TrimPrefix(conn.LinkURL, e.url)
	prefix := strings.TrimSuffix(start, "/start")
	return &linkFlow{env: e, company: c.ID, connection: conn.ID, start: start, connect: prefix + "/connect", discon: prefix + "/disconnect"}
}

func (f *linkFlow) page() string {
	f.t.Helper()
	resp := f.plain(http.MethodGet, f.start, "", "").expect(f.t, http.StatusOK)
	if ct := resp.header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		f.t.Fatalf("Content-Type %q", ct)
	}
	return string(resp.body)
}

func (f *linkFlow) authorise() {
	f.t.Helper()
	f.plain(http.MethodPost, f.start, "application/x-www-form-urlencoded", "").expect(f.t, http.StatusSeeOther)
}

func (f *linkFlow) post(path string, form url.Values) *response {
	f.t.Helper()
	return f.plain(http.MethodPost, path, "application/x-www-form-urlencoded", form.Encode())
}

// connectForm is the mapping form: pairs of source account id and choice ("new", a target
// account id), all with the feed start date date.
func connectForm(date string, choices ...string) url.Values {
	form := url.Values{}
	for i := 0; i+1 < len(choices); i += 2 {
		form.Set("target."+choices[i], choices[i+1])
		form.Set("start."+choices[i], date)
	}
	return form
}

func (f *linkFlow) targets() []sandbox.TargetAccount {
	return f.sb.TargetAccounts(f.company, f.connection)
}

func (f *linkFlow) account(id string) sandbox.SourceAccount {
	f.t.Helper()
	a, ok := f.sb.SourceAccount(f.company, f.connection, id)
	if !ok {
		f.t.Fatalf("no source account %s", id)
	}
	return a
}

// expectRefused checks that the page came back with status and a message containing want.
func expectRefused(t *testing.T, resp *response, status int, want string) {
	t.Helper()
	resp.expect(t, status)
	m := regexp.MustCompile(`(?s)<div class="error" id="error" role="alert">(.*?)</div>`).FindStringSubmatch(string(resp.body))
	if m == nil {
		t.Fatalf("no error on the page: %s", resp.body)
	}
	if msg := html.UnescapeString(m[1]); !strings.Contains(msg, want) {
		t.Errorf("error %q does not contain %q", msg, want)
	}
}

var optionRE = regexp.MustCompile(`<option value="([^"]*)"( selected)?>([^<]*)</option>`)

// selectOptions returns the values of the options of a source account's select, and the
// selected one.
func selectOptions(t *testing.T, page, accountID string) (values []string, selected string) {
	t.Helper()
	re := regexp.MustCompile(`(?s)<select name="target\.` + regexp.QuoteMeta(accountID) + `"[^>]*>(.*?)</select>`)
	m := re.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no select for %s in %s", accountID, page)
	}
	for _, o := range optionRE.FindAllStringSubmatch(m[1], -1) {
		values = append(values, o[1])
		if o[2] != "" {
			selected = o[1]
		}
	}
	return values, selected
}

// section returns the HTML of the page's section with the given id, or "".
func section(page, id string) string {
	i := strings.Index(page, `<section class="card" id="`+id+`">`)
	if i < 0 {
		return ""
	}
	end := strings.Index(page[i:], "</section>")
	return page[i : i+end]
}

func usdAccount(id string) map[string]any {
	return map[string]any{"id": id, "accountName": "Dollars " + id, "accountType": "savings", "accountNumber": "77", "currency": "USD", "balance": 5}
}

func TestLinkAuthorise(t *testing.T) {
	f := newLinkFlow(t, sandbox.Options{}, gbpAccount("a1"))
	page := f.page()
	for _, want := range []string{`id="authorise"`, "Authorise with Xero", ">PendingAuth<", `action="` + f.url + f.start + `"`} {
		if !strings.Contains(page, want) {
			t.Errorf("authorise step lacks %q", want)
		}
	}
	if strings.Contains(page, `id="connect-form"`) {
		t.Error("the mapping form is shown before the organisation is authorised")
	}

	f.authorise()
	var conn connectionOut
	f.call(http.MethodGet, "/companies/"+f.company+"/connections/"+f.connection, nil).expect(t, http.StatusOK).decode(t, &conn)
	if conn.Status != sandbox.ConnectionLinked {
		t.Fatalf("API status %s after authorising", conn.Status)
	}
	page = f.page()
	if strings.Contains(page, `id="authorise"`) || !strings.Contains(page, "Choose the bank accounts to connect") || !strings.Contains(page, `id="connect-form"`) {
		t.Errorf("no mapping screen after authorising: %s", page)
	}
	if strings.Contains(page, `id="manage"`) {
		t.Error("manage view shown with no connected account")
	}

	// A lapsed connection asks for authorisation again.
	if err := f.sb.SetConnectionStatus(f.company, f.connection, sandbox.ConnectionDeauthorized); err != nil {
		t.Fatal(err)
	}
	if page := f.page(); !strings.Contains(page, "authorise again") || !strings.Contains(page, "Authorise with Xero") {
		t.Errorf("deauthorised connection: %s", page)
	}
	f.authorise()
	if got, _ := f.sb.Connection(f.company, f.connection); got.Status != sandbox.ConnectionLinked {
		t.Errorf("status %s after authorising again", got.Status)
	}
}

func TestLinkNotFound(t *testing.T) {
	f := newLinkFlow(t, sandbox.Options{})
	other := "/link/companies/" + f.company + "/connections/" + uuid.NewString()
	for _, req := range []struct{ method, path string }{
		{http.MethodGet, other + "/start"},
		{http.MethodPost, other + "/start"},
		{http.MethodPost, other + "/connect"},
		{http.MethodPost, other + "/disconnect"},
		{http.MethodGet, "/link/companies/" + uuid.NewString() + "/connections/" + f.connection + "/start"},
		{http.MethodGet, "/link/companies/" + uuid.NewString()},
		{http.MethodGet, "/link/nowhere"},
	} {
		resp := f.plain(req.method, req.path, "application/x-www-form-urlencoded", "").expect(t, http.StatusNotFound)
		if !strings.Contains(string(resp.body), "This link is not valid") || !strings.HasPrefix(resp.header.Get("Content-Type"), "text/html") {
			t.Errorf("%s %s: %s", req.method, req.path, resp.body)
		}
	}
	if f.sb.TotalCalls() != 2 {
		t.Errorf("%d API calls counted: link pages are not API calls", f.sb.TotalCalls())
	}
}

func TestLinkMappingScreen(t *testing.T) {
	f := newLinkFlow(t, sandbox.Options{}, gbpAccount("a1"), gbpAccount("a2"), usdAccount("u1"),
		map[string]any{"id": "e1", "accountName": "Euros", "accountType": "savings", "accountNumber": "78", "currency": "EUR", "balance": 5})
	f.authorise()
	targets := f.targets()
	page := f.page()

	// The options are the mapping endpoint's targetAccountOptions, then Create New Account.
	mappings := f.mappings(f.company, f.connection)
	for _, id := range []string{"a1", "a2", "u1", "e1"} {
		got, selected := selectOptions(t, page, id)
		want := append(append([]string{""}, optionIDs(mappings[id])...), "new")
		if !slices.Equal(got, want) || selected != "" {
			t.Errorf("options of %s: %v (selected %q), want %v", id, got, selected, want)
		}
	}
	if got, _ := selectOptions(t, page, "a1"); !slices.Equal(got, []string{"", targets[0].ID, targets[1].ID, "new"}) {
		t.Errorf("GBP options %v", got)
	}
	if got, _ := selectOptions(t, page, "u1"); !slices.Equal(got, []string{"", targets[2].ID, "new"}) {
		t.Errorf("USD options %v", got)
	}
	for _, want := range []string{
		`>Create New Account</option>`,
		`Create New Account adds “Account a1” to Xero.`,
		// Codat does not validate the feed start date (C8): the page suggests a range but sets no bounds.
		`<input type="date" name="start.a1" value="2025-06-15" aria-label=`,
		`a date from 15 June 2024 to today, 15 June 2025, is usual.`,
		`>Business Current Account (41234567)</option>`,
		`<button type="submit" class="primary" id="connect-button">Connect</button>`,
		`12-34-56 12345670 · GBP`,
		`<td class="num" data-label="Balance">GBP 99.99</td>`,
		`<td class="num" data-label="Balance">USD 5.00</td>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("mapping screen lacks %q", want)
		}
	}
	if strings.Contains(strings.ToLower(page), "<script") {
		t.Error("the page uses JavaScript")
	}
}

func TestLinkConnect(t *testing.T) {
	f := newLinkFlow(t, sandbox.Options{}, gbpAccount("a1"), gbpAccount("a2"), gbpAccount("a3"))
	f.authorise()
	existing := f.targets()[1]

	resp := f.post(f.connect, connectForm("2025-01-31", "a1", existing.ID, "a2", "new")).expect(t, http.StatusSeeOther)
	if loc := resp.header.Get("Location"); loc != f.url+f.start+"?notice=connected" {
		t.Errorf("redirect to %q", loc)
	}

	m := f.mappings(f.company, f.connection)
	if a := m["a1"]; a.Status != "connected" || a.TargetAccountID != existing.ID || a.TargetAccountName != existing.Name || a.FeedStartDate != "2025-01-31T00:00:00Z" {
		t.Errorf("a1 mapped to an existing account: %+v", a)
	}
	targets := f.targets()
	if len(targets) != 5 {
		t.Fatalf("targets after Create New Account: %+v", targets)
	}
	created := targets[4]
	if a := m["a2"]; a.Status != "connected" || a.TargetAccountID != created.ID || created.Name != "Account a2" || created.Currency != "GBP" || a.TargetAccountName != "Account a2" {
		t.Errorf("a2 mapped to a new account: %+v, new target %+v", a, created)
	}
	if a := m["a3"]; a.Status != "pending" || a.TargetAccountID != "" {
		t.Errorf("a3 was left out of the form but is %+v", a)
	}

	// Back on the page: the notice, the connected accounts, and a3 still mappable without
	// the targets that are now fed.
	page := string(f.plain(http.MethodGet, f.start+"?notice=connected", "", "").expect(t, http.StatusOK).body)
	if !strings.Contains(page, `id="notice"`) || !strings.Contains(page, "Connected.") {
		t.Error("no notice after connecting")
	}
	manage := section(page, "manage")
	for _, want := range []string{"Manage your connected accounts", `data-account="a1"`, existing.Name, `data-account="a2"`, "31 January 2025", ">connected<", ">Disconnect</button>"} {
		if !strings.Contains(manage, want) {
			t.Errorf("manage view lacks %q: %s", want, manage)
		}
	}
	mapping := section(page, "mapping")
	if !strings.Contains(mapping, "Connect more accounts") || strings.Contains(mapping, `data-account="a1"`) {
		t.Errorf("mapping section after connecting: %s", mapping)
	}
	if got, _ := selectOptions(t, page, "a3"); !slices.Equal(got, optionsWithNew(m["a3"])) || slices.Contains(got, existing.ID) || slices.Contains(got, created.ID) {
		t.Errorf("a3 options %v: fed targets must not be offered", got)
	}

	// An unknown notice shows nothing.
	if page := string(f.plain(http.MethodGet, f.start+"?notice=%3Cb%3E", "", "").expect(t, http.StatusOK).body); strings.Contains(page, `id="notice"`) {
		t.Error("an unknown notice was shown")
	}
}

func optionsWithNew(m mappingOut) []string {
	return append(append([]string{""}, optionIDs(m)...), "new")
}

func TestLinkFeedStartDate(t *testing.T) {
	f := newLinkFlow(t, sandbox.Options{}, gbpAccount("a1"), gbpAccount("a2"), gbpAccount("a3"))
	f.authorise()
	target := f.targets()[0].ID

	for _, tc := range []struct{ date, want string }{
		{"15/06/2025", "The feed start date of Account a2 must be a date such as 2025-06-15."},
		{"", "Enter a feed start date for Account a2."},
	} {
		// a1 is fine; the mistake on a2 keeps both unconnected.
		form := connectForm("2025-06-01", "a1", target)
		form.Set("target.a2", "new")
		form.Set("start.a2", tc.date)
		resp := f.post(f.connect, form)
		expectRefused(t, resp, http.StatusUnprocessableEntity, tc.want)
		if a1, a2 := f.account("a1"), f.account("a2"); a1.Status != "pending" || a2.Status != "pending" {
			t.Errorf("date %q: accounts %s and %s, want both pending", tc.date, a1.Status, a2.Status)
		}
		// The page keeps what the user chose.
		body := string(resp.body)
		if _, sel := selectOptions(t, body, "a1"); sel != target {
			t.Errorf("date %q: a1's choice not kept (%q)", tc.date, sel)
		}
		if _, sel := selectOptions(t, body, "a2"); sel != "new" {
			t.Errorf("date %q: a2's choice not kept (%q)", tc.date, sel)
		}
		if !strings.Contains(body, `name="start.a2" value="`+html.EscapeString(tc.date)+`"`) {
			t.Errorf("date %q not kept in the form", tc.date)
		}
	}
	if n := len(f.targets()); n != 4 {
		t.Errorf("%d targets: a refused form created an account", n)
	}

	// Codat does not validate the feed start date (C8): dates outside the suggested range, in the
	// future or more than a year back, are taken as they are.
	f.post(f.connect, connectForm("2024-06-14", "a1", target)).expect(t, http.StatusSeeOther)
	f.post(f.connect, connectForm("2025-06-16", "a2", "new")).expect(t, http.StatusSeeOther)
	f.post(f.connect, connectForm("2019-01-01", "a3", "new")).expect(t, http.StatusSeeOther)
	m := f.mappings(f.company, f.connection)
	if m["a1"].FeedStartDate != "2024-06-14T00:00:00Z" || m["a2"].FeedStartDate != "2025-06-16T00:00:00Z" || m["a3"].FeedStartDate != "2019-01-01T00:00:00Z" {
		t.Errorf("feed start dates %s, %s, %s", m["a1"].FeedStartDate, m["a2"].FeedStartDate, m["a3"].FeedStartDate)
	}
}

func TestLinkConnectRefused(t *testing.T) {
	f := newLinkFlow(t, sandbox.Options{}, gbpAccount("a1"), gbpAccount("a2"))

	// Before the organisation is authorised, mapping is refused as the API refuses it.
	expectRefused(t, f.post(f.connect, connectForm("2025-06-01", "a1", "new")), http.StatusUnprocessableEntity,
		"Account a1 was not connected: Data connection "+f.connection+" is PendingAuth")
	f.authorise()
	targets := f.targets()
	usd := targets[2].ID

	expectRefused(t, f.post(f.connect, url.Values{}), http.StatusUnprocessableEntity, "for at least one bank account")
	expectRefused(t, f.post(f.connect, connectForm("2025-06-01", "a1", targets[0].ID, "a2", targets[0].ID)), http.StatusUnprocessableEntity,
		"Account a1 and Account a2 cannot both feed Business Current Account")
	expectRefused(t, f.post(f.connect, connectForm("2025-06-01", "ghost", "new")), http.StatusUnprocessableEntity,
		"Bank account ghost cannot be connected")
	expectRefused(t, f.post(f.connect, connectForm("2025-06-01", "a1", uuid.NewString())), http.StatusUnprocessableEntity,
		"does not exist in Xero.")
	if a := f.account("a1"); a.Status != "pending" {
		t.Fatalf("a1 %s after refusals", a.Status)
	}

	// A currency mismatch (a form the page would not offer) is refused by the mapping rules;
	// the account before it in the form is connected.
	resp := f.post(f.connect, connectForm("2025-06-01", "a1", targets[0].ID, "a2", usd))
	expectRefused(t, resp, http.StatusUnprocessableEntity,
		"Account a2 was not connected: The target account currency USD does not match the source account currency GBP. The account before it in the list was connected.")
	if a1, a2 := f.account("a1"), f.account("a2"); a1.Status != "connected" || a2.Status != "pending" {
		t.Errorf("after the mismatch: a1 %s, a2 %s", a1.Status, a2.Status)
	}
	if !strings.Contains(section(string(resp.body), "manage"), `data-account="a1"`) {
		t.Error("the refused page does not show the account that was connected")
	}
	if !strings.Contains(string(resp.body), `name="start.a2" value="2025-06-01"`) {
		t.Error("a2's feed start date not kept")
	}
	// Mapping a connected account again is refused, as the API refuses it.
	expectRefused(t, f.post(f.connect, connectForm("2025-06-01", "a1", "new")), http.StatusUnprocessableEntity,
		"Bank account a1 cannot be connected: it is already connected")

	// Xero's refusal when the organisation takes no bank feeds.
	if err := f.sb.SetBankFeedsSupported(f.company, f.connection, false); err != nil {
		t.Fatal(err)
	}
	expectRefused(t, f.post(f.connect, connectForm("2025-06-01", "a2", "new")), http.StatusForbidden,
		"Account a2 was not connected: The organisation does not support automated bank feeds.")
	if a := f.account("a2"); a.Status != "pending" {
		t.Errorf("a2 %s without bank feeds", a.Status)
	}

	f.plain(http.MethodPost, f.connect, "application/x-www-form-urlencoded", "target.a1=%zz").expect(t, http.StatusBadRequest)
}

func TestLinkDisconnect(t *testing.T) {
	f := newLinkFlow(t, sandbox.Options{}, gbpAccount("a1"), gbpAccount("a2"))
	f.authorise()
	fedTarget := f.targets()[0]
	f.post(f.connect, connectForm("2025-06-01", "a1", fedTarget.ID, "a2", "new")).expect(t, http.StatusSeeOther)

	// Reopening the link shows the manage view.
	page := f.page()
	if !strings.Contains(section(page, "manage"), "Manage your connected accounts") || section(page, "mapping") != "" || strings.Contains(page, "Authorise with") {
		t.Fatalf("reopened page: %s", page)
	}

	resp := f.post(f.discon, url.Values{"account": {"a1"}}).expect(t, http.StatusSeeOther)
	if loc := resp.header.Get("Location"); loc != f.url+f.start+"?notice=disconnected" {
		t.Errorf("redirect to %q", loc)
	}
	m := f.mappings(f.company, f.connection)
	if a := m["a1"]; a.Status != "disconnected" || a.TargetAccountID != "" {
		t.Errorf("a1 after Disconnect: %+v", a)
	}
	if a := m["a2"]; a.Status != "connected" {
		t.Errorf("a2 after disconnecting a1: %+v", a)
	}

	// a1 is mappable again, to the target it freed among others.
	page = string(f.plain(http.MethodGet, f.start+"?notice=disconnected", "", "").expect(t, http.StatusOK).body)
	if !strings.Contains(page, "Disconnected:") {
		t.Error("no notice after disconnecting")
	}
	if manage := section(page, "manage"); strings.Contains(manage, `data-account="a1"`) || !strings.Contains(manage, `data-account="a2"`) {
		t.Errorf("manage view after disconnecting: %s", manage)
	}
	mapping := section(page, "mapping")
	if !strings.Contains(mapping, `data-account="a1"`) || !strings.Contains(mapping, ">disconnected</span>") {
		t.Errorf("a1 is not mappable again: %s", mapping)
	}
	if got, _ := selectOptions(t, page, "a1"); !slices.Contains(got, fedTarget.ID) || !slices.Equal(got, optionsWithNew(m["a1"])) {
		t.Errorf("a1 options %v", got)
	}

	// And it connects again.
	f.post(f.connect, connectForm("2025-06-02", "a1", fedTarget.ID)).expect(t, http.StatusSeeOther)
	if a := f.account("a1"); a.Status != "connected" || a.TargetAccountID != fedTarget.ID {
		t.Errorf("a1 reconnected: %+v", a)
	}

	expectRefused(t, f.post(f.discon, url.Values{"account": {"ghost"}}), http.StatusNotFound, "Bank account ghost does not exist")
	expectRefused(t, f.post(f.discon, url.Values{}), http.StatusBadRequest, "Choose the bank account to disconnect.")
}

func TestLinkConnecting(t *testing.T) {
	clock := sandbox.NewClock(mappingNow)
	f := newLinkFlow(t, sandbox.Options{Now: clock.Now, MappingDelay: time.Minute}, gbpAccount("a1"))
	f.authorise()
	f.post(f.connect, connectForm("2025-06-01", "a1", "new")).expect(t, http.StatusSeeOther)
	if manage := section(f.page(), "manage"); !strings.Contains(manage, ">connecting<") || !strings.Contains(manage, ">Disconnect</button>") {
		t.Errorf("a connecting account: %s", manage)
	}
	clock.Advance(time.Minute)
	if manage := section(f.page(), "manage"); !strings.Contains(manage, ">connected<") {
		t.Errorf("after the mapping delay: %s", manage)
	}
}

func TestLinkEscapes(t *testing.T) {
	hostile := `<script>alert("x")</script> & "quotes"`
	f := newLinkFlow(t, sandbox.Options{}, map[string]any{
		"id": `a"1<`, "accountName": hostile, "accountType": "checking", "accountNumber": "<1>", "sortCode": "<2>", "currency": "GBP", "balance": 1,
	})
	if err := f.sb.SetCompanyName(f.company, hostile); err != nil {
		t.Fatal(err)
	}
	for _, step := range []func() string{
		f.page,
		func() string { f.authorise(); return f.page() },
		func() string {
			f.post(f.connect, connectForm("2025-06-01", `a"1<`, "new")).expect(t, http.StatusSeeOther)
			return f.page()
		},
	} {
		page := step()
		if strings.Contains(strings.ToLower(page), "<script") || !strings.Contains(page, "&lt;script&gt;") {
			t.Errorf("not escaped: %s", page)
		}
	}
	if got := f.targets()[4].Name; got != hostile {
		t.Errorf("new target named %q", got)
	}
	f.post(f.discon, url.Values{"account": {`a"1<`}}).expect(t, http.StatusSeeOther)
	if a := f.account(`a"1<`); a.Status != "disconnected" {
		t.Errorf("status %s", a.Status)
	}
}

func TestLinkWithoutBankFeeds(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	c := e.createCompany("Other Ltd")
	conn := e.createConnection(c.ID, "dfxm")
	if err := e.sb.AuthorizeConnection(c.ID, conn.ID); err != nil {
		t.Fatal(err)
	}
	page := string(e.plain(http.MethodGet, strings.TrimPrefix(conn.LinkURL, e.url), "", "").expect(t, http.StatusOK).body)
	if !strings.Contains(page, "Bank feeds are not supported for") || strings.Contains(page, `id="connect-form"`) {
		t.Errorf("connection without bank feeds: %s", page)
	}
}
