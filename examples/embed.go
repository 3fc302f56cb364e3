// Package examples makes the example configurations available to Go code, so that what is measured (make bench)
// is exactly what the docs show.
package examples

import _ "embed"

// QuickstartCustomerModule is examples/quickstart/customer/main.tf: one SMB customer's objects.
//
//go:embed quickstart/customer/main.tf
var QuickstartCustomerModule string
