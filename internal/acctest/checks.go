package acctest

import (
	"maps"
	"slices"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// Converges is the plan checks of a step that reaches its goal in one apply: the plan passes the given checks before
// apply, and once applied and refreshed the plan is empty (the configuration and Codat's objects agree).
func Converges(beforeApply ...plancheck.PlanCheck) resource.ConfigPlanChecks {
	return resource.ConfigPlanChecks{
		PreApply:             beforeApply,
		PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
	}
}

// NoChange is the plan checks of a step whose plan, before apply, is empty: nothing to create, update or destroy.
func NoChange() resource.ConfigPlanChecks {
	return resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
}

// Attrs checks top-level attributes of the resource or data source at addr in the state, one check per attribute
// (in the order of the attribute names).
func Attrs(addr string, want map[string]knownvalue.Check) []statecheck.StateCheck {
	checks := make([]statecheck.StateCheck, 0, len(want))
	for _, name := range slices.Sorted(maps.Keys(want)) {
		checks = append(checks, statecheck.ExpectKnownValue(addr, tfjsonpath.New(name), want[name]))
	}
	return checks
}
