// Command terraform-provider-codat serves the Codat provider to Terraform.
package main

import (
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/terraform-codat/terraform-provider-codat/internal/process"
	"github.com/terraform-codat/terraform-provider-codat/internal/provider"
)

// version is set at build time through -ldflags "-X main.version=...".
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "start the provider with support for debuggers like delve")
	flag.Parse()

	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	process.QuietUnshownLogs()
	process.RelaxGC()
	stopProfiling := process.StartProfiling()
	err := tf6server.Serve(provider.Address, provider.NewProtocol6Server(version), opts...)
	stopProfiling()
	if err != nil {
		log.Fatal(err)
	}
}
