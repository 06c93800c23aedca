package conversation

import "github.com/switchboard-chat/switchboard/internal/contact"

// SetCategoryUsers registers what else names the workspace's closing
// categories by their name: the workflows (the Conversation Closed
// trigger, Branch conditions, Close Conversation steps), which a rename
// is carried into and which keep a category they name from being
// deleted. The app registers it, as this package may not import
// workflow; set it before the service is used. The interface is the
// contact package's, which names stages and tags the same way.
func (s *Service) SetCategoryUsers(u contact.NameUsers) { s.categoryUsers = u }
