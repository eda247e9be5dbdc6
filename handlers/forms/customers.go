package forms

import "partnerconsole/models"

// CustomerForm adds or edits a customer.
type CustomerForm struct {
	Name         string `form:"name"`
	Domain       string `form:"domain"`
	Country      string `form:"country"`
	ContactName  string `form:"contact_name"`
	ContactEmail string `form:"contact_email"`
	ContactPhone string `form:"contact_phone"`
	Messages
}

// CustomerFormOf fills the form with a saved customer.
func CustomerFormOf(c models.Customer) CustomerForm {
	return CustomerForm{Name: c.Name, Domain: c.Domain, Country: c.Country,
		ContactName: c.ContactName, ContactEmail: c.ContactEmail, ContactPhone: c.ContactPhone}
}

// Input is the form as the domain's input (judged by CustomerInput.Validate).
func (f CustomerForm) Input() models.CustomerInput {
	return models.CustomerInput{Name: f.Name, Domain: f.Domain, Country: f.Country,
		ContactName: f.ContactName, ContactEmail: f.ContactEmail, ContactPhone: f.ContactPhone}
}
