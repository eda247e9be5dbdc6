package forms

import "partnerconsole/models"

// UserForm adds a console user, or edits one (name, role and flags; the
// email and password are not edited here).
type UserForm struct {
	Name             string   `form:"name"`
	Email            string   `form:"email"`
	Password         string   `form:"password" trim:"no"`
	Role             string   `form:"role"`
	CustomersAdd     Checkbox `form:"customers_add"`
	CustomersMigrate Checkbox `form:"customers_migrate"`
	Messages
}

// UserFormOf fills the form with a saved user.
func UserFormOf(u models.User) UserForm {
	return UserForm{Name: u.Name, Email: u.Email, Role: string(u.Role),
		CustomersAdd: Checkbox(u.CanAddCustomers), CustomersMigrate: Checkbox(u.CanMigrateCustomers)}
}

// Input is the form as the domain's input (judged by UserInput.Validate).
func (f UserForm) Input() models.UserInput {
	return models.UserInput{Name: f.Name, Email: f.Email, Password: f.Password, Role: models.Role(f.Role),
		CanAddCustomers: bool(f.CustomersAdd), CanMigrateCustomers: bool(f.CustomersMigrate)}
}
