package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"partnerconsole/models"
)

// checkUploads is models.CheckUploads, named for the store's callers.
func checkUploads(files []models.Upload) ([]models.CheckedUpload, error) {
	return models.CheckUploads(files)
}

func saveAttachments(tx *gorm.DB, now time.Time, a models.Actor, caseID int64, commentID *int64, files []models.CheckedUpload) error {
	for _, f := range files {
		at := models.Attachment{CaseID: caseID, CommentID: commentID, FileName: f.Name, ContentType: f.ContentType,
			Size: int64(len(f.Data)), Data: f.Data, CreatedAt: now}
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
