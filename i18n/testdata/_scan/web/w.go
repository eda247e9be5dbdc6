package web

import (
	"example/handlers"
	"example/models"
)

func errorHandler(c any) error {
	_ = handlers.PageFor(c, "Web title")
	return &models.Error{Message: "Web model message."}
}
