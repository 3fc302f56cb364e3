package sandbox

import (
	"html/template"
	"net/http"
)

// The link pages stand in for Codat Link, where the SMB user authorises their accounting
// software. They need no API key: the SMB user opens them from the linkUrl in a browser.

const companyPage = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Connect {{.Company.Name}}</title></head>
<body>
<h1>{{.Company.Name}}</h1>
{{if .Connections}}<ul>
{{range .Connections}}<li><a href="{{.Link}}">{{.PlatformName}}</a>: {{.Status}}</li>
{{end}}</ul>{{else}}<p>This company has no connections yet.</p>{{end}}
</body></html>
`

const connectionPage = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Connect {{.Company.Name}} to {{.Connection.PlatformName}}</title></head>
<body>
<h1>Connect {{.Company.Name}} to {{.Connection.PlatformName}}</h1>
<p>Connection <code>{{.Connection.ID}}</code> is <strong id="status">{{.Connection.Status}}</strong>.</p>
{{if eq .Connection.Status "Linked"}}<p>Your {{.Connection.PlatformName}} organisation is connected.</p>
{{if .Accounts}}<table>
<tr><th>Bank account</th><th>Currency</th><th>Status</th><th>{{.Connection.PlatformName}} account</th></tr>
{{range .Accounts}}<tr><td>{{.AccountName}}</td><td>{{.Currency}}</td><td>{{.Status}}</td><td>{{.TargetAccountName}}</td></tr>
{{end}}</table>{{end}}
{{else}}<form method="post" action="{{.Link}}"><button type="submit">Authorise with {{.Connection.PlatformName}}</button></form>
{{end}}
</body></html>
`

var linkTemplates = func() *template.Template {
	t := template.Must(template.New("company").Parse(companyPage))
	template.Must(t.New("connection").Parse(connectionPage))
	return t
}()

type linkConnection struct {
	Connection
	Link string
}

func (s *Sandbox) registerLink(mux *http.ServeMux) {
	const conn = "/link/companies/{companyId}/connections/{connectionId}/start"
	mux.HandleFunc("GET /link/companies/{companyId}", s.linkCompanyPage)
	mux.HandleFunc("GET "+conn, s.linkConnectionPage)
	mux.HandleFunc("POST "+conn, s.linkAuthorize)
	mux.HandleFunc("/link/", http.NotFound)
}

func (s *Sandbox) linkCompanyPage(w http.ResponseWriter, r *http.Request) {
	c, ok := s.Company(r.PathValue("companyId"))
	if !ok {
		http.NotFound(w, r)
		return
	}
	base := s.base(r)
	var conns []linkConnection
	for _, conn := range s.Connections(c.ID) {
		conns = append(conns, linkConnection{Connection: conn, Link: connectionLink(base, c.ID, conn.ID)})
	}
	renderLink(w, "company", map[string]any{"Company": c, "Connections": conns})
}

func (s *Sandbox) linkConnectionPage(w http.ResponseWriter, r *http.Request) {
	companyID, connectionID := r.PathValue("companyId"), r.PathValue("connectionId")
	c, _ := s.Company(companyID)
	conn, ok := s.Connection(companyID, connectionID)
	if !ok {
		http.NotFound(w, r)
		return
	}
	renderLink(w, "connection", map[string]any{
		"Company":    c,
		"Connection": conn,
		"Accounts":   s.SourceAccounts(companyID, connectionID),
		"Link":       connectionLink(s.base(r), companyID, connectionID),
	})
}

// linkAuthorize simulates the round trip to the accounting software's consent screen.
func (s *Sandbox) linkAuthorize(w http.ResponseWriter, r *http.Request) {
	companyID, connectionID := r.PathValue("companyId"), r.PathValue("connectionId")
	if err := s.AuthorizeConnection(companyID, connectionID); err != nil {
		http.NotFound(w, r)
		return
	}
	http.Redirect(w, r, connectionLink(s.base(r), companyID, connectionID), http.StatusSeeOther)
}

func renderLink(w http.ResponseWriter, name string, data any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := linkTemplates.ExecuteTemplate(w, name, data); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}
