package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"partnerconsole/models"
)

type checkedUpload struct {
	name, contentType string
	data              []byte
}

// checkUploads applies the attachment rules to every file of one message:
// at most five, each at most 10 MB, and PDF, PNG, JPEG, TXT or CSV by
// content. One bad file refuses the whole message (nothing is saved).
func checkUploads(files []models.Upload) ([]checkedUpload, error) {
	var real []models.Upload
	for _, f := range files {
		if f.Name == "" && len(f.Data) == 0 {
			continue // an empty file input
		}
		real = append(real, f)
	}
	if len(real) > models.MaxAttachmentsPerMessage {
		return nil, &models.Error{Code: models.CodeInvalid, Field: "files", Message: "Attach at most 5 files to one message."}
	}
	out := make([]checkedUpload, 0, len(real))
	for _, f := range real {
		name, ct, err := models.CheckUpload(f)
		if err != nil {
			return nil, err
		}
		out = append(out, checkedUpload{name: name, contentType: ct, data: f.Data})
	}
	return out, nil
}

func saveAttachments(tx *gorm.DB, now time.Time, a models.Actor, caseID int64, commentID *int64, files []checkedUpload) error {
	for _, f := range files {
		at := models.Attachment{CaseID: caseID, CommentID: commentID, FileName: f.name, ContentType: f.contentType,
			Size: int64(len(f.data)), Data: f.data, CreatedAt: now}
		if a.UserID != 0 {
			uid := a.UserID
			at.UploadedBy = &uid
		}
		if err := tx.Create(&at).Error; err != nil {
			return fmt.Errorf("save attachment: %w", err)
		}
	}
	return nil
}

// GetAttachment loads a file for download, with its bytes, only for someone
// who may see the case, and never a file of an internal note for a partner.
func (s *Store) GetAttachment(ctx context.Context, a models.Actor, caseID, id int64) (models.Attachment, error) {
	var at models.Attachment
	if err := canSeeCases(a); err != nil {
		return at, err
	}
	q := s.db.WithContext(ctx).Table("case_attachments").
		Select("case_attachments.id, case_attachments.case_id, case_attachments.comment_id, case_attachments.file_name, case_attachments.content_type, case_attachments.size, case_attachments.uploaded_by, case_attachments.created_at").
		Joins("JOIN support_cases ON support_cases.id = case_attachments.case_id").
		Scopes(scopeCases(a)).
		Where("case_attachments.id = ? AND case_attachments.case_id = ?", id, caseID)
	if !a.IsDesk() {
		q = q.Joins("LEFT JOIN case_comments cc ON cc.id = case_attachments.comment_id").Where("cc.id IS NULL OR NOT cc.internal")
	}
	if err := q.Take(&at).Error; err != nil {
		return at, notFound(err)
	}
	var data []byte
	if err := s.db.WithContext(ctx).Raw("SELECT data FROM case_attachments WHERE id = ?", at.ID).Row().Scan(&data); err != nil {
		return at, fmt.Errorf("read attachment %d: %w", id, err)
	}
	at.Data = data
	return at, nil
}
