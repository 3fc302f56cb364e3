package acctest

import "strings"

// Ids of objects the tests name without creating them.
const (
	TestCompanyID    = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
	TestConnectionID = "51baa045-4836-4317-a42e-3542e991e581"
)

// Kinds of identifier: issued by Codat (a UUID), a source account id (the user's own, sent as a URL path segment),
// and an id of the accounting platform (sent in a request body).
const (
	CodatIssued = "codat"
	YourOwn     = "source"
	Platforms   = "target"
)

// BadID is a value that cannot name exactly one object, with what its error says and the kinds of identifier it is
// wrong for.
type BadID struct {
	Value, Want string
	Kinds       []string
}

// BadIDs are the values every id attribute and every import ID part refuses.
var BadIDs = []BadID{
	{"", "must not be empty", []string{CodatIssued, YourOwn, Platforms}},
	{"   ", "must not be blank (white space only)", []string{CodatIssued, YourOwn, Platforms}},
	{"\t", "must not be blank (white space only)", []string{CodatIssued, YourOwn, Platforms}},
	{" " + TestCompanyID, "must not start or end with white space", []string{CodatIssued, YourOwn, Platforms}},
	{"acc-1\n", "must not start or end with white space", []string{CodatIssued, YourOwn, Platforms}},
	{"acc\u00071", "must not contain control characters", []string{CodatIssued, YourOwn, Platforms}},
	{"acc\r\n1", "must not contain control characters", []string{CodatIssued, YourOwn, Platforms}},
	{"acc\x001", "must not contain control characters", []string{CodatIssued, YourOwn, Platforms}},
	{".", "must not be `.` or `..`", []string{CodatIssued, YourOwn}},
	{"..", "must not be `.` or `..`", []string{CodatIssued, YourOwn}},
	{"acc/1", "must not contain a slash", []string{CodatIssued, YourOwn}},
	{"../" + TestCompanyID, "must not contain a slash", []string{CodatIssued, YourOwn}},
	{`acc\1`, "must not contain a backslash", []string{CodatIssued, YourOwn}},
	{"credentials", "must not be `credentials`", []string{YourOwn}},
	{"acc-1", "must be a UUID as Codat issues it", []string{CodatIssued}},
	{strings.ReplaceAll(TestCompanyID, "-", ""), "must be a UUID as Codat issues it", []string{CodatIssued}},
	{"{" + TestCompanyID + "}", "must be a UUID as Codat issues it", []string{CodatIssued}},
	{"urn:uuid:" + TestCompanyID, "must be a UUID as Codat issues it", []string{CodatIssued}},
}
