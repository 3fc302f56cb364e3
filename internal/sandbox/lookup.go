package sandbox

// The API handlers take the object that their request's path names from these: each looks it up with s.mu held
// and answers Codat's 404 when it does not exist.

// withFound runs handle, with s.mu held, on the object that find looks up for a request (the one its path names),
// or answers find's error response, such as Codat's 404 for an object that does not exist.
func withFound[T any](s *Sandbox, find func() (T, apiResponse, bool), handle func(T) apiResponse) apiResponse {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, resp, ok := find()
	if !ok {
		return resp
	}
	return handle(v)
}

// withCompany runs handle on the company that the request's path names (companyId).
func (s *Sandbox) withCompany(r *apiRequest, handle func(*company) apiResponse) apiResponse {
	return withFound(s, func() (*company, apiResponse, bool) { return s.findCompany(r.param("companyId")) }, handle)
}

// withConnection runs handle on the connection that the request's path names (companyId, connectionId).
func (s *Sandbox) withConnection(r *apiRequest, handle func(*connection) apiResponse) apiResponse {
	return withFound(s, func() (*connection, apiResponse, bool) { return s.pathConnection(r) }, handle)
}

// withAccount runs handle on the source account that the request's path names (companyId, connectionId,
// accountId), and its connection.
func (s *Sandbox) withAccount(r *apiRequest, handle func(*connection, *sourceAccount) apiResponse) apiResponse {
	type found struct {
		conn *connection
		a    *sourceAccount
	}
	find := func() (found, apiResponse, bool) {
		conn, resp, ok := s.pathConnection(r)
		if !ok {
			return found{}, resp, false
		}
		a, resp, ok := s.findSourceAccount(conn, r.param("accountId"))
		return found{conn, a}, resp, ok
	}
	return withFound(s, find, func(f found) apiResponse { return handle(f.conn, f.a) })
}

// withIntegration runs handle on the integration that the request's path names by its platform key.
func (s *Sandbox) withIntegration(r *apiRequest, handle func(*integration) apiResponse) apiResponse {
	return withFound(s, func() (*integration, apiResponse, bool) { return s.integrationOr404(r.param("platformKey")) }, handle)
}

// withIntegrationByID runs handle on the integration that the request's path names by its id (integrationId).
func (s *Sandbox) withIntegrationByID(r *apiRequest, handle func(*integration) apiResponse) apiResponse {
	return withFound(s, func() (*integration, apiResponse, bool) { return s.findIntegrationByID(r.param("integrationId")) }, handle)
}

// pathConnection is the connection that the request's path names (companyId, connectionId); s.mu must be held.
func (s *Sandbox) pathConnection(r *apiRequest) (*connection, apiResponse, bool) {
	return s.findConnection(r.param("companyId"), r.param("connectionId"))
}
