package workflow

import (
	"fmt"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/contact"
)

func init() { register("update_contact_tag", func() stepImpl { return &updateContactTag{} }) }

// updateContactTag adds or removes tags (texts with variables) on the
// contact; adding a tag the workspace lacks creates it.
type updateContactTag struct {
	Action string   `json:"action"` // add or remove
	Tags   []string `json:"tags"`
}

func (s *updateContactTag) check(c *checker) {
	if s.Action != "add" && s.Action != "remove" {
		c.add("settings.action", "must be add or remove")
	}
	if len(s.Tags) == 0 {
		c.add("settings.tags", "at least one tag is required")
	}
	if len(s.Tags) > 10 {
		c.add("settings.tags", "at most 10 tags")
	}
}

func (s *updateContactTag) exits() []string { return []string{"next", "failure"} }

func (s *updateContactTag) exec(x *execution) (result, error) {
	if x.run.ContactID == 0 {
		return result{}, fmt.Errorf("the run has no contact")
	}
	var changed []string
	tags := make([]string, 0, len(s.Tags)) // as rendered, for the history
	for _, t := range s.Tags {
		tag := x.text(t)
		tags = append(tags, tag)
		ok, err := contact.SetTagTx(x.ctx, x.tx, x.run.WorkspaceID, x.run.ContactID, tag, s.Action == "add")
		if err != nil {
			return result{}, err
		}
		if ok {
			changed = append(changed, tag)
		}
	}
	x.log("tags", tags)
	return next(fmt.Sprintf("%s: %s", s.Action, strings.Join(changed, ", "))), nil
}
