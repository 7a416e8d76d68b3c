// Command floorprovider is the floor scripts/bench.sh measures the provider
// against: a plugin-framework provider that does nothing. It serves
// netmaker_enrollment_key with the real resource's schema (validators, plan
// modifiers, defaults) and config validators, taken from the provider
// package so that the two never drift apart, but with no ModifyPlan and no
// I/O: Create and Update copy the plan to the state (unknown computed
// values become placeholders), Read keeps the state, Delete does nothing.
// Its provider block has the real schema too, and Configure does nothing.
// Only the bench builds it; it is not part of the shipped provider.
package main

import (
	"context"
	"log"
	"math/big"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	fwprovider "github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/benchhooks"
	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/provider"
	"github.com/netmaker-terraform/terraform-provider-netmaker/internal/sdklog"
)

func main() {
	// The same log levels as the real provider's main.
	if os.Getenv("NETMAKER_BENCH_FLOOR_QUIET") == "1" {
		for _, name := range sdklog.Vars {
			_ = os.Setenv(name, "OFF")
		}
	}
	// As the real provider built with -tags benchprofile.
	defer benchhooks.StartProfile()()
	err := providerserver.Serve(context.Background(), func() fwprovider.Provider {
		return &floorProvider{real: provider.New("floor")()}
	}, providerserver.ServeOpts{Address: "registry.terraform.io/netmaker-terraform/netmaker"})
	if err != nil {
		log.Print(err.Error())
	}
}

type floorProvider struct{ real fwprovider.Provider }

func (p *floorProvider) Metadata(ctx context.Context, req fwprovider.MetadataRequest, resp *fwprovider.MetadataResponse) {
	p.real.Metadata(ctx, req, resp)
}

func (p *floorProvider) Schema(ctx context.Context, req fwprovider.SchemaRequest, resp *fwprovider.SchemaResponse) {
	p.real.Schema(ctx, req, resp)
}

func (p *floorProvider) Configure(context.Context, fwprovider.ConfigureRequest, *fwprovider.ConfigureResponse) {
}

func (p *floorProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{func() resource.Resource {
		return &floorResource{real: provider.NewEnrollmentKeyResource()}
	}}
}

func (p *floorProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

// floorResource borrows what the framework runs for every instance from
// the real resource (metadata, schema, config validators) and nothing else.
type floorResource struct{ real resource.Resource }

var _ resource.ResourceWithConfigValidators = (*floorResource)(nil)

func (r *floorResource) Metadata(ctx context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	r.real.Metadata(ctx, req, resp)
}

func (r *floorResource) Schema(ctx context.Context, req resource.SchemaRequest, resp *resource.SchemaResponse) {
	r.real.Schema(ctx, req, resp)
}

func (r *floorResource) ConfigValidators(ctx context.Context) []resource.ConfigValidator {
	if v, ok := r.real.(resource.ResourceWithConfigValidators); ok {
		return v.ConfigValidators(ctx)
	}
	return nil
}

func (r *floorResource) Create(_ context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	resp.State.Raw = known(req.Plan.Raw)
}

func (r *floorResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

func (r *floorResource) Update(_ context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.State.Raw = known(req.Plan.Raw)
}

func (r *floorResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

// known replaces the unknown (computed) values of a plan by placeholders.
func known(v tftypes.Value) tftypes.Value {
	out, err := tftypes.Transform(v, func(_ *tftypes.AttributePath, v tftypes.Value) (tftypes.Value, error) {
		if v.IsKnown() {
			return v, nil
		}
		switch t := v.Type(); {
		case t.Is(tftypes.String):
			return tftypes.NewValue(t, "floor"), nil
		case t.Is(tftypes.Number):
			return tftypes.NewValue(t, big.NewFloat(0)), nil
		case t.Is(tftypes.Bool):
			return tftypes.NewValue(t, false), nil
		default:
			return tftypes.NewValue(t, nil), nil
		}
	})
	if err != nil {
		return v
	}
	return out
}
