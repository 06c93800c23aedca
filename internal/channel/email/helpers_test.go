package email

import (
	"strconv"

	"github.com/switchboard-chat/switchboard/internal/channel"
)

var chTest = channel.Channel{ID: 3, WorkspaceID: 2, Type: Type}

func itoa(i int) string { return strconv.Itoa(i) }
