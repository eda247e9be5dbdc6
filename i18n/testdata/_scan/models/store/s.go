package store

import "example/models"

var errTaken = &models.Error{Code: "invalid", Field: "domain", Message: "Store message."}

func notify(note string) Notice {
	body := "Notice body"
	if note != "" {
		body = "Notice body with {{.Note}}"
	}
	return Notice{Title: "Notice title {{.ID}}", Body: body}
}
