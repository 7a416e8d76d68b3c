package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/netmakertest"
)

// skipWithoutActions skips tests of actions, which Terraform runs from 1.14
// on (make testacc-latest runs them).
var skipWithoutActions = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)}

// rotateActionBlock is action netmaker_enrollment_key_rotate label for the
// key named by nameExpr (an HCL expression).
func rotateActionBlock(label, nameExpr string) string {
	return fmt.Sprintf("\naction \"netmaker_enrollment_key_rotate\" %q {\n  config {\n    name = %s\n  }\n}\n", label, nameExpr)
}

// rotateActionHCL is rotateActionBlock and the terraform_data "rotation"
// holding input that invokes it on event (after_create: once; after_update:
// whenever input changes).
func rotateActionHCL(label, nameExpr, input, event string) string {
	return fmt.Sprintf(`
resource "terraform_data" "rotation" {
  input = %q

  lifecycle {
    action_trigger {
      events  = [%s]
      actions = [action.netmaker_enrollment_key_rotate.%s]
    }
  }
}
`, input, event, label) + rotateActionBlock(label, nameExpr)
}

// rotateTriggerConfig manages a uses key and rotates it whenever round changes.
func rotateTriggerConfig(srv *netmakertest.Server, round string) string {
	return providerConfig(srv) +
		keyHCL("ci", `name = "tf-rotate"`, `networks = ["net-a"]`, `type = "uses"`, `uses = 5`) +
		rotateActionHCL("ci", "netmaker_enrollment_key.ci.name", round, "after_update")
}

// serverValue remembers the value the server holds for key name.
func serverValue(srv *netmakertest.Server, name string, into *string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		k, ok := srv.KeyByName(name)
		if !ok {
			return fmt.Errorf("server has no key %q", name)
		}
		*into = k.Value
		return nil
	}
}

// expectRotated checks that key name has a new value on the server, kept
// its settings, and that the old value is gone.
func expectRotated(srv *netmakertest.Server, name string, old *string, usesLeft int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		k, ok := srv.KeyByName(name)
		switch {
		case !ok:
			return fmt.Errorf("server has no key %q after the rotation", name)
		case k.Value == *old:
			return fmt.Errorf("key %q still has its old value: not rotated", name)
		case usesLeft > 0 && k.UsesRemaining != usesLeft:
			return fmt.Errorf("key %q has %d uses left after the rotation, want %d", name, k.UsesRemaining, usesLeft)
		}
		for _, other := range srv.Keys() {
			if other.Value == *old {
				return fmt.Errorf("the old value of key %q still exists (as %q)", name, other.Name)
			}
		}
		return nil
	}
}

// TestAccEnrollmentKeyRotateAction_trigger rotates a managed key from a
// lifecycle action_trigger on every server generation (re-created on v1.5);
// the managed key records the new token at the next refresh, with no diff.
func TestAccEnrollmentKeyRotateAction_trigger(t *testing.T) {
	eachGeneration(t, func(t *testing.T, srv *netmakertest.Server) {
		testAccCreateNetworks(t, srv, "net-a")
		var before string
		resource.Test(t, resource.TestCase{
			TerraformVersionChecks:   skipWithoutActions,
			PreCheck:                 func() { testAccPreCheck(t) },
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{
				{
					// after_update only: creating does not rotate.
					Config: rotateTriggerConfig(srv, "1"),
					Check:  serverValue(srv, "tf-rotate", &before),
				},
				{
					Config:           rotateTriggerConfig(srv, "2"),
					ConfigPlanChecks: plannedAction("netmaker_enrollment_key.ci", plancheck.ResourceActionNoop),
					Check:            expectRotated(srv, "tf-rotate", &before, 5),
				},
				{
					// The refresh picks up the new token; nothing to change.
					Config:           rotateTriggerConfig(srv, "2"),
					ConfigPlanChecks: emptyPlan(),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue("netmaker_enrollment_key.ci", tfjsonpath.New("token"), expectTokenOf(srv, "tf-rotate")),
					},
				},
			},
		})
	})
}

// TestAccEnrollmentKeyRotateAction_defaultKey rotates a network's
// auto-generated default key: the server keeps it the default on current
// and v1.7; v1.5 cannot (it would have to delete it) and the plan says so
// before anything changes.
func TestAccEnrollmentKeyRotateAction_defaultKey(t *testing.T) {
	config := func(srv *netmakertest.Server) string {
		return providerConfig(srv) + rotateActionHCL("auto", `"net-a"`, "now", "after_create")
	}
	eachGeneration(t, func(t *testing.T, srv *netmakertest.Server) {
		testAccCreateNetworks(t, srv, "net-a")
		auto, _ := srv.KeyByName("net-a")
		before := auto.Value
		step := resource.TestStep{
			Config: config(srv),
			Check: resource.ComposeTestCheckFunc(
				expectRotated(srv, "net-a", &before, 0),
				checkServerDefault(srv, "net-a", "net-a"),
			),
		}
		if srv.Generation() == netmakertest.GenerationV15 {
			step = resource.TestStep{
				Config:      config(srv),
				ExpectError: regexp.MustCompile(`(?s)Cannot rotate a default key on this server.*v1\.5-line server.*Nothing was\s+changed`),
			}
		}
		resource.Test(t, resource.TestCase{
			TerraformVersionChecks:   skipWithoutActions,
			PreCheck:                 func() { testAccPreCheck(t) },
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			CheckDestroy: func(*terraform.State) error {
				if k, ok := srv.KeyByName("net-a"); !ok || (srv.Generation() == netmakertest.GenerationV15 && k.Value != before) {
					return fmt.Errorf("the default key of net-a changed although its rotation was refused")
				}
				return nil
			},
			Steps: []resource.TestStep{step},
		})
	})
}

// TestAccEnrollmentKeyRotateAction_unknownKey: a name no key has fails the
// invocation clearly.
func TestAccEnrollmentKeyRotateAction_unknownKey(t *testing.T) {
	srv := newTestServer(t, netmakertest.GenerationCurrent)
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   skipWithoutActions,
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      providerConfig(srv) + rotateActionHCL("missing", `"no-such-key"`, "now", "after_create"),
			ExpectError: regexp.MustCompile(`(?s)Enrollment key not found.*no enrollment key named\s+"no-such-key"`),
		}},
	})
}

// TestAccEnrollmentKeyRotateAction_invoke runs
// `terraform apply -invoke=action.netmaker_enrollment_key_rotate.ci` on every
// server generation; the following plan is empty and a refresh records the
// server's new token.
func TestAccEnrollmentKeyRotateAction_invoke(t *testing.T) {
	eachGeneration(t, func(t *testing.T, srv *netmakertest.Server) {
		cli := newTerraformCLI(t, "has actions (apply -invoke)")
		testAccCreateNetworks(t, srv, "net-a")
		cli.write("main.tf", cliProviderConfig(srv.URL())+
			keyHCL("ci", `name = "tf-invoke"`, `networks = ["net-a"]`, `type = "time_bound"`, `ttl = "720h"`)+
			rotateActionBlock("ci", "netmaker_enrollment_key.ci.name")+
			rotateActionBlock("auto", `"net-a"`))
		cli.init()
		cli.mustRun("apply", "-no-color", "-input=false", "-auto-approve")
		var before string
		if err := serverValue(srv, "tf-invoke", &before)(nil); err != nil {
			t.Fatal(err)
		}
		expiry := mustKey(t, srv, "tf-invoke").Expiration

		out := cli.mustRun("apply", "-no-color", "-input=false", "-auto-approve", "-invoke=action.netmaker_enrollment_key_rotate.ci")
		if err := expectRotated(srv, "tf-invoke", &before, 0)(nil); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		if got := mustKey(t, srv, "tf-invoke").Expiration; !got.Equal(expiry) {
			t.Errorf("rotation changed the expiry from %s to %s", expiry, got)
		}
		for _, k := range srv.Keys() {
			if strings.Contains(out, k.Value) {
				t.Fatalf("terraform output shows the value of key %s", k.Name)
			}
		}
		cli.expectEmptyPlan()
		cli.mustRun("apply", "-no-color", "-input=false", "-auto-approve", "-refresh-only")
		if got, want := stateString(t, cli, "netmaker_enrollment_key.ci", "token"), srv.Token(mustKey(t, srv, "tf-invoke").Value); got != want {
			t.Errorf("after a refresh the state's token is not the server's new token")
		}

		// The network's default key: refused on v1.5 before anything changes.
		auto := mustKey(t, srv, "net-a")
		code, out := cli.run("apply", "-no-color", "-input=false", "-auto-approve", "-invoke=action.netmaker_enrollment_key_rotate.auto")
		after := mustKey(t, srv, "net-a")
		if srv.Generation() == netmakertest.GenerationV15 {
			if code == 0 || !regexp.MustCompile(`(?s)Cannot rotate a default key on this server`).MatchString(out) {
				t.Errorf("rotating the default key on v1.5: exit %d, want a clear refusal:\n%s", code, out)
			}
			if after.Value != auto.Value {
				t.Errorf("the refused rotation changed the default key")
			}
			return
		}
		if code != 0 || after.Value == auto.Value || !after.Default {
			t.Errorf("rotating the default key: exit %d, rotated %v, still default %v:\n%s", code, after.Value != auto.Value, after.Default, out)
		}
	})
}

func mustKey(t *testing.T, srv *netmakertest.Server, name string) netmakertest.Key {
	t.Helper()
	k, ok := srv.KeyByName(name)
	if !ok {
		t.Fatalf("server has no key %q", name)
	}
	return k
}
