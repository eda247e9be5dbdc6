package models

// CaseRow is a cases-list row with the names the list shows.
type CaseRow struct {
	SupportCase
	CustomerName string
	ConsoleName  string
	AssigneeName string
}

// CaseView is one case's page: the case, its visible thread and attachments.
type CaseView struct {
	CaseRow
	Comments    []CaseComment
	Attachments []Attachment
}

// AttachmentsOf returns the attachments of one comment (0: of the filing).
func (v CaseView) AttachmentsOf(commentID int64) []Attachment {
	var out []Attachment
	for _, at := range v.Attachments {
		if (commentID == 0 && at.CommentID == nil) || (at.CommentID != nil && *at.CommentID == commentID) {
			out = append(out, at)
		}
	}
	return out
}
