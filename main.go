package main

import (
	"context"
	"flag"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/benchhooks"
	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/provider"
	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/sdklog"
)

// version is set by goreleaser at build time.
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	// Before Serve: the SDK reads these variables for every RPC.
	for _, name := range sdklog.QuietVars(os.Environ(), debug) {
		if err := os.Setenv(name, "OFF"); err != nil {
			log.Fatal(err.Error())
		}
	}

	stopProfile := benchhooks.StartProfile()
	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/netmaker-terraform/netmaker",
		Debug:   debug,
	})
	stopProfile()
	if err != nil {
		log.Fatal(err.Error())
	}
}
