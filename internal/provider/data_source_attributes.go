package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// Attributes that several data sources' schemas share.

// computedString is a string attribute the data source reads from Codat.
func computedString(desc string) schema.StringAttribute {
	return schema.StringAttribute{MarkdownDescription: desc, Computed: true}
}

// computedNumber is a number attribute the data source reads from Codat.
func computedNumber(desc string) schema.NumberAttribute {
	return schema.NumberAttribute{MarkdownDescription: desc, Computed: true}
}

// requiredCodatID is a required attribute holding the id Codat issued an object, described as what it names.
func requiredCodatID(what string) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: what + ", " + codatIDRule + ".",
		Required:            true,
		Validators:          []validator.String{codatID()},
	}
}
