package forms

import "partnerconsole/models"

// DelegatedAdminOfferForm is a console's delegated-admin offer to one of its
// customers (R-PK-2).
type DelegatedAdminOfferForm struct {
	Message string `form:"message"`
	Messages
}

// CustomerUserForm adds a user to a customer, by its delegated admin.
type CustomerUserForm struct {
	Name     string `form:"name"`
	Email    string `form:"email"`
	Password string `form:"password" trim:"no"`
	Role     string `form:"role"`
	Messages
}

// Input is the form as the domain's input (judged by UserInput.Validate).
func (f CustomerUserForm) Input() models.UserInput {
	return models.UserInput{Name: f.Name, Email: f.Email, Password: f.Password, Role: models.Role(f.Role)}
}

// CustomerUserRoleForm changes a customer's user's role.
type CustomerUserRoleForm struct {
	Role string `form:"role"`
}

// CloudEssentialsForm is the desk's cloud-essentials switch of a console.
type CloudEssentialsForm struct {
	Enrolled Checkbox `form:"enrolled"`
}
