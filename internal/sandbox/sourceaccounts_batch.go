package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
)

// batchItemJSON is one entry of the batch create's answer: SourceAccountV2BatchCreateResponse or
// SourceAccountBatchCreateResponse (statusCode an integer, the account) for a created account, and
// SourceAccountBatchErrorResponse (statusCode a string, the error) for one that was not (BF
// create-batch-source-account).
type batchItemJSON struct {
	SourceAccountID string `json:"sourceAccountId"`
	Result          any    `json:"result"`
}

type batchCreatedJSON struct {
	StatusCode int `json:"statusCode"`
	Account    any `json:"account"`
}

type batchErrorJSON struct {
	StatusCode string `json:"statusCode"`
	Error      string `json:"error"`
}

// duplicateAccountError is Codat's text for an account id the connection already has, from the example of
// SourceAccountBatchErrorResponse (BF); the single create answers the same text (D:blog/231115-deprecation-put-
// bank-feed-bank-accounts.md: it "will return an error if the account ID already exists").
const duplicateAccountError = "A bank account already exists with the same Id"

// createSourceAccountsBatch is POST …/connectionInfo/bankFeedAccounts/batch (BF create-batch-source-account, added
// 2024-11-20): an array of source-account prototypes, v2 or v1 as the client speaks (the request body is
// oneOf[array of v2, array of v1]). Codat documents the answers, not the rules behind them; the sandbox takes the
// most plausible reading of the spec:
//
//   - The body is checked as a whole first, the way a request model is: anything but a non-empty array, or any
//     item the single create would refuse, answers 400 with Codat's ErrorMessage, naming each field as
//     "[index].field", and creates nothing.
//   - Then each item is created in order. An id the connection already has, or that an earlier item of the batch
//     took, is that item's error: statusCode "409" (a string, as SourceAccountBatchErrorResponse types it) and
//     "A bank account already exists with the same Id". A created item carries statusCode 201 (an integer) and the
//     account, in the client's shape.
//   - 201 when every item was created, 207 (multi-status) when some were, 409 when none was: the three answers
//     the spec lists, each an array of the items' results in the order of the request.
func (s *Sandbox) createSourceAccountsBatch(r *apiRequest) apiResponse {
	return s.withConnection(r, func(conn *connection) apiResponse {
		var raws []json.RawMessage
		dec := json.NewDecoder(bytes.NewReader(r.body))
		if err := dec.Decode(&raws); err != nil || raws == nil || dec.More() {
			var v validator
			v.fail("body", "Json", "The request body must be a JSON array of source accounts.")
			return v.response()
		}
		if len(raws) == 0 {
			var v validator
			v.fail("body", "NotEmpty", "The request body must hold at least one source account.")
			return v.response()
		}
		parse := parseSourceAccount
		if s.v1SourceAccounts() {
			parse = parseSourceAccountV1
		}
		accounts := make([]SourceAccount, len(raws))
		var invalid validator
		for i, raw := range raws {
			acc, resp, ok := parse(raw, s.now())
			if !ok {
				var msg errorMessage
				if err := json.Unmarshal(resp.body, &msg); err != nil || msg.Validation == nil {
					invalid.fail(fmt.Sprintf("[%d]", i), "Invalid", "%s", msg.Error)
					continue
				}
				for _, item := range msg.Validation.Errors {
					item.ItemID = fmt.Sprintf("[%d].%s", i, item.ItemID)
					invalid.items = append(invalid.items, item)
				}
				continue
			}
			accounts[i] = acc
		}
		if !invalid.ok() {
			return invalid.response()
		}

		items := make([]batchItemJSON, len(accounts))
		created := 0
		for i, acc := range accounts {
			if _, exists := conn.accounts[acc.ID]; exists {
				items[i] = batchItemJSON{acc.ID, batchErrorJSON{strconv.Itoa(http.StatusConflict), duplicateAccountError}}
				continue
			}
			a := &sourceAccount{SourceAccount: acc, seq: s.nextSeq()}
			conn.accounts[a.ID] = a
			items[i] = batchItemJSON{acc.ID, batchCreatedJSON{http.StatusCreated, s.accountJSON(a)}}
			created++
		}
		status := http.StatusMultiStatus
		switch created {
		case len(accounts):
			status = http.StatusCreated
		case 0:
			status = http.StatusConflict
		}
		return jsonResponse(status, items)
	})
}
