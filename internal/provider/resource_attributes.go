package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// Attributes that several resources' schemas share.

// idAttribute is a resource's id: known once the object is created, and the same for the object's whole life.
func setOnCreate(desc string) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: desc,
		Computed:            true,
		PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
}

// parentCodatID is the required id Codat issued the company or connection that a resource belongs to, described
// as what it names; changing it replaces the resource, called object in the description.
func parentCodatID(what, object string) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: what + ", " + codatIDRule + ". Changing it replaces the " + object + ".",
		Required:            true,
		Validators:          []validator.String{codatID()},
		PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
	}
}

// optionalChosenByCodat is an optional attribute whose value Codat chooses when the configuration leaves it out: the
// plan then keeps the value in the state instead of showing it unknown.
func optionalChosenByCodat(desc string, v validator.String) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: desc,
		Optional:            true,
		Computed:            true,
		Validators:          []validator.String{v},
		PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
}
