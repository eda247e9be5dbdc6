package customers

import (
	"partnerconsole/views"
	"partnerconsole/views/components"
)

// invitationTable is the customer page's list of invitations not accepted yet.
func invitationTable(p views.Page, n int) components.TableSpec {
	return components.TableSpec{
		TestID:  "invitation-rows",
		Caption: p.Tr("Invitations not accepted yet"),
		Columns: []components.Column{{Label: p.Tr("Name")}, {Label: p.Tr("Email")}, {Label: p.Tr("Link")}, {Label: p.Tr("Actions")}},
		Rows:    n,
	}
}
