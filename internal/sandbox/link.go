package sandbox

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// The link pages stand in for Codat Link, where the SMB user authorises their accounting
// software and chooses which bank accounts feed it. They need no API key: the SMB user opens
// them from the linkUrl in a browser. Every step is a plain HTML form whose POST answers with a
// redirect back to the page, or with the page and the reason when the step is refused. They
// apply the rules of the API: AuthorizeConnection, mapAccountLocked and DisconnectAccount.
//
// The mapping form names a source account's choices after its id: "target.{id}" is the id of
// an existing target account, "new" to create one named after the source account, or empty to
// leave the account unconnected; "start.{id}" is its feed start date, YYYY-MM-DD. The
// disconnect form sends the source account's id as "account".

// newTargetAccount is the mapping form's value for "Create New Account".
const newTargetAccount = "new"

const (
	noticeConnected    = "connected"
	noticeDisconnected = "disconnected"
)

var linkNotices = map[string]string{
	noticeConnected:    "Connected. Transactions reach Xero from each account's feed start date.",
	noticeDisconnected: "Disconnected: that account's feed has stopped. You can connect it again below.",
}

// linkPage is what the connection page shows.
type linkPage struct {
	Company    Company
	Connection Connection
	// Start, Connect and Disconnect are the URLs of the page and of its two forms.
	Start, Connect, Disconnect string
	Notice                     string
	Errors                     []string
	// Unsupported says why a linked connection cannot take bank feeds at all.
	Unsupported string
	// Fed are the accounts with a feed (connected or connecting), Mappable the others.
	Fed, Mappable []*linkAccount
	// Earliest and Latest are the feed start dates the page suggests: from the oldest day Xero takes
	// transactions for (one year back) to today. Codat does not validate the date (C8), so the page
	// accepts any date and only explains the range.
	Earliest, Latest time.Time
}

type linkAccount struct {
	SourceAccount
	Options []targetOptionJSON
	// Target and Start are the form's values: what the user chose, or the defaults.
	Target, Start string
}

// linkURLs are the page's URLs for one connection.
func linkURLs(base, companyID, connectionID string) (start, connect, disconnect string) {
	start = connectionLink(base, companyID, connectionID)
	prefix := strings.TrimSuffix(start, "/start")
	return start, prefix + "/connect", prefix + "/disconnect"
}

func (s *Sandbox) registerLink(mux *http.ServeMux) {
	const conn = "/link/companies/{companyId}/connections/{connectionId}"
	mux.HandleFunc("GET /link/companies/{companyId}", s.linkCompanyPage)
	mux.HandleFunc("GET "+conn+"/start", s.linkConnectionPage)
	mux.HandleFunc("POST "+conn+"/start", s.linkAuthorize)
	mux.HandleFunc("POST "+conn+"/connect", s.linkConnect)
	mux.HandleFunc("POST "+conn+"/disconnect", s.linkDisconnect)
	mux.HandleFunc("/link/", linkNotFound)
}

type linkConnection struct {
	Connection
	Link string
}

func (s *Sandbox) linkCompanyPage(w http.ResponseWriter, r *http.Request) {
	c, ok := s.Company(r.PathValue("companyId"))
	if !ok {
		linkNotFound(w, r)
		return
	}
	base := s.base(r)
	var conns []linkConnection
	for _, conn := range s.Connections(c.ID) {
		conns = append(conns, linkConnection{Connection: conn, Link: connectionLink(base, c.ID, conn.ID)})
	}
	renderLink(w, http.StatusOK, "company", map[string]any{"Company": c, "Connections": conns})
}

// linkView reads what the connection page shows; ok is false when the connection does not exist.
func (s *Sandbox) linkView(r *http.Request) (p *linkPage, ok bool) {
	companyID, connectionID := r.PathValue("companyId"), r.PathValue("connectionId")
	s.mu.Lock()
	defer s.mu.Unlock()
	conn, err := s.lookupConnection(companyID, connectionID)
	if err != nil {
		return nil, false
	}
	p = &linkPage{Company: s.companies[companyID].snapshot(), Connection: conn.Connection}
	p.Start, p.Connect, p.Disconnect = linkURLs(s.base(r), companyID, connectionID)
	p.Earliest, p.Latest = feedStartGuide(s.now())
	if conn.Status == ConnectionLinked {
		if merr := checkMappable(conn, s.findIntegration(conn.PlatformKey)); merr != nil {
			p.Unsupported = merr.Message
		}
	}
	for _, a := range s.refreshedAccounts(conn) {
		la := &linkAccount{SourceAccount: a.snapshot(), Start: p.Latest.Format(dateLayout)}
		if fed(a.Status) {
			p.Fed = append(p.Fed, la)
			continue
		}
		la.Options = s.targetOptions(conn, a)
		p.Mappable = append(p.Mappable, la)
	}
	return p, true
}

func fed(status string) bool { return status == AccountConnected || status == AccountConnecting }

func (s *Sandbox) linkConnectionPage(w http.ResponseWriter, r *http.Request) {
	p, ok := s.linkView(r)
	if !ok {
		linkNotFound(w, r)
		return
	}
	p.Notice = linkNotices[r.URL.Query().Get("notice")]
	renderLink(w, http.StatusOK, "connection", p)
}

// linkAuthorize simulates the round trip to the accounting software's consent screen.
func (s *Sandbox) linkAuthorize(w http.ResponseWriter, r *http.Request) {
	companyID, connectionID := r.PathValue("companyId"), r.PathValue("connectionId")
	if err := s.AuthorizeConnection(companyID, connectionID); err != nil {
		linkNotFound(w, r)
		return
	}
	http.Redirect(w, r, connectionLink(s.base(r), companyID, connectionID), http.StatusSeeOther)
}

// linkChoice is one source account the user chose to connect.
type linkChoice struct {
	account   *linkAccount
	targetID  string
	feedStart time.Time
}

// linkConnect maps every source account the user chose a target for. The choices are checked
// together first, so that a mistake in one of them connects none; a refusal by the mapping
// rules stops at that account, and the page shows the accounts already connected.
func (s *Sandbox) linkConnect(w http.ResponseWriter, r *http.Request) {
	p, ok := s.linkView(r)
	if !ok {
		linkNotFound(w, r)
		return
	}
	if !parseLinkForm(w, r) {
		p.Errors = []string{formUnreadable}
		renderLink(w, http.StatusBadRequest, "connection", p)
		return
	}
	choices, problems := p.choices(r)
	if len(problems) > 0 {
		p.Errors = problems
		renderLink(w, http.StatusUnprocessableEntity, "connection", p)
		return
	}
	companyID, connectionID := p.Company.ID, p.Connection.ID
	for i, c := range choices {
		err := s.MapAccount(companyID, connectionID, c.account.ID, c.targetID, c.feedStart)
		if err == nil {
			continue
		}
		var merr *MappingError
		if !errors.As(err, &merr) { // the connection went away while the form was open
			linkNotFound(w, r)
			return
		}
		status := http.StatusUnprocessableEntity
		if merr.kind == mappingNoBankFeeds {
			status = http.StatusForbidden
		}
		msg := fmt.Sprintf("%s was not connected: %s", c.account.AccountName, sentence(merr.Message))
		switch i {
		case 0:
		case 1:
			msg += " The account before it in the list was connected."
		default:
			msg += fmt.Sprintf(" The %d accounts before it in the list were connected.", i)
		}
		// The page as it now is, with the user's choices for the accounts still unconnected.
		if p, ok = s.linkView(r); !ok {
			linkNotFound(w, r)
			return
		}
		p.choices(r)
		p.Errors = []string{msg}
		renderLink(w, status, "connection", p)
		return
	}
	http.Redirect(w, r, p.Start+"?notice="+noticeConnected, http.StatusSeeOther)
}

// choices reads the mapping form into the accounts to connect, or says what is wrong with it.
// The form's values are kept in p, so that the page shown with the problems keeps them.
func (p *linkPage) choices(r *http.Request) ([]linkChoice, []string) {
	var choices []linkChoice
	var problems []string
	known := map[string]bool{}
	usedBy := map[string]*linkAccount{}
	for _, a := range p.Mappable {
		known[a.ID] = true
		a.Target = r.PostForm.Get("target." + a.ID)
		if start, ok := r.PostForm["start."+a.ID]; ok {
			a.Start = start[0]
		}
		if a.Target == "" {
			continue
		}
		c := linkChoice{account: a}
		if a.Target != newTargetAccount {
			c.targetID = a.Target
			if other, dup := usedBy[a.Target]; dup {
				problems = append(problems, fmt.Sprintf("%s and %s cannot both feed %s: choose another account or Create New Account for one of them.",
					other.AccountName, a.AccountName, optionName(a.Options, a.Target)))
			}
			usedBy[a.Target] = a
		}
		// Any date is taken: Codat does not validate the feed start date (C8). The page only needs one
		// it can read.
		start, err := time.Parse(dateLayout, a.Start)
		switch {
		case a.Start == "":
			problems = append(problems, fmt.Sprintf("Enter a feed start date for %s.", a.AccountName))
		case err != nil:
			problems = append(problems, fmt.Sprintf("The feed start date of %s must be a date such as %s.", a.AccountName, p.Latest.Format(dateLayout)))
		}
		c.feedStart = start
		choices = append(choices, c)
	}
	var unknown []string
	for key := range r.PostForm {
		if id, ok := strings.CutPrefix(key, "target."); ok && !known[id] && r.PostForm.Get(key) != "" {
			unknown = append(unknown, id)
		}
	}
	slices.Sort(unknown)
	for _, id := range unknown {
		problems = append(problems, fmt.Sprintf("Bank account %s cannot be connected: it is already connected or no longer exists.", id))
	}
	if len(choices) == 0 && len(problems) == 0 {
		problems = append(problems, "Choose a Xero account, or Create New Account, for at least one bank account.")
	}
	return choices, problems
}

func optionName(options []targetOptionJSON, id string) string {
	for _, o := range options {
		if o.ID == id {
			return o.Name
		}
	}
	return "the same Xero account"
}

// linkDisconnect ends the feed of the source account named by the form.
func (s *Sandbox) linkDisconnect(w http.ResponseWriter, r *http.Request) {
	companyID, connectionID := r.PathValue("companyId"), r.PathValue("connectionId")
	if _, ok := s.Connection(companyID, connectionID); !ok {
		linkNotFound(w, r)
		return
	}
	if !parseLinkForm(w, r) {
		s.rerender(w, r, http.StatusBadRequest, formUnreadable)
		return
	}
	id := r.PostForm.Get("account")
	if id == "" {
		s.rerender(w, r, http.StatusBadRequest, "Choose the bank account to disconnect.")
		return
	}
	if err := s.DisconnectAccount(companyID, connectionID, id); err != nil {
		s.rerender(w, r, http.StatusNotFound, fmt.Sprintf("Bank account %s does not exist: it may have been deleted.", id))
		return
	}
	start, _, _ := linkURLs(s.base(r), companyID, connectionID)
	http.Redirect(w, r, start+"?notice="+noticeDisconnected, http.StatusSeeOther)
}

// rerender shows the connection page as it now is, with an error.
func (s *Sandbox) rerender(w http.ResponseWriter, r *http.Request, status int, msg string) {
	p, ok := s.linkView(r)
	if !ok {
		linkNotFound(w, r)
		return
	}
	p.Errors = []string{msg}
	renderLink(w, status, "connection", p)
}

const formUnreadable = "The form could not be read: reload the page and try again."

func parseLinkForm(w http.ResponseWriter, r *http.Request) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
	return r.ParseForm() == nil
}

// sentence ends a message from the mapping rules with a full stop, as the page's own do.
func sentence(msg string) string {
	if strings.HasSuffix(msg, ".") {
		return msg
	}
	return msg + "."
}

func linkNotFound(w http.ResponseWriter, _ *http.Request) {
	renderLink(w, http.StatusNotFound, "notfound", nil)
}

func renderLink(w http.ResponseWriter, status int, name string, data any) {
	var buf bytes.Buffer
	if err := linkTemplates.ExecuteTemplate(&buf, name, data); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}
