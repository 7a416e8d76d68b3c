package provider

// Temporary, removed once real code imports these: keeps the modules the
// helpers need in go.mod so that nobody has to edit go.mod concurrently.
import (
	_ "github.com/hashicorp/go-retryablehttp"
	_ "github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	_ "github.com/hashicorp/terraform-plugin-log/tflog"
	_ "github.com/hashicorp/terraform-plugin-testing/echoprovider"
	_ "github.com/hashicorp/terraform-plugin-testing/helper/resource"
)
