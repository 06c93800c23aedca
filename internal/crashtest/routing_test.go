package crashtest

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// agentCapacity is each cluster agent's capacity in the routing phase.
const agentCapacity = 2

// clusterAgents are agents of a team of their own, online on the nodes.
type clusterAgents struct {
	teamID int64
	ids    []int64
}

// api calls the JSON API of a node with a bearer token and decodes the
// answer into out (when not nil); any status but 200, 201 or 202 is an
// error. A 429 (the token's request rate) is sent again after its
// Retry-After, as a well-behaved client does, a few times at most.
func api(method, url, token string, in, out any) error {
	for tries := 1; ; tries++ {
		err := apiOnce(method, url, token, in, out)
		var se *statusError
		if tries >= 20 || !errors.As(err, &se) || se.status != http.StatusTooManyRequests {
			return err
		}
		wait, _ := strconv.Atoi(se.retryAfter)
		time.Sleep(time.Duration(max(wait, 1)) * time.Second)
	}
}

func apiOnce(method, url, token string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, _ := json.Marshal(in)
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusAccepted {
		return &statusError{status: resp.StatusCode, retryAfter: resp.Header.Get("Retry-After"),
			msg: fmt.Sprintf("%s %s answered %d: %s", method, url, resp.StatusCode, b)}
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

// statusError is an answer of api other than 200, 201 or 202.
type statusError struct {
	status     int
	retryAfter string
	msg        string
}

func (e *statusError) Error() string { return e.msg }

// addAgents creates n agents with `switchboard user create`, puts them in
// a team of their own with capacity agentCapacity, signs each in on a
// different node and brings them online there (presence heartbeats), as
// agents of a cluster would be.
func (c *cluster) addAgents(n int) clusterAgents {
	c.t.Helper()
	var a clusterAgents
	for i := range n {
		email := fmt.Sprintf("cluster%d@test.local", i)
		password := fmt.Sprintf("cluster-password-%d", i)
		args := append([]string{"user", "create", "--log-level", "warn", "--workspace", fmt.Sprint(c.demo.WorkspaceID),
			"--email", email, "--name", fmt.Sprintf("Cluster Agent %d", i), "--role", "agent", "--password", password}, c.store...)
		out, err := exec.Command(c.bin, args...).Output()
		if err != nil {
			c.t.Fatalf("user create: %v", err)
		}
		var u struct {
			ID int64 `json:"id"`
		}
		if err := json.Unmarshal(out, &u); err != nil || u.ID == 0 {
			c.t.Fatalf("user create printed %q: %v", out, err)
		}
		a.ids = append(a.ids, u.ID)
	}
	base := c.nodes[0].URL
	var team struct {
		ID int64 `json:"id"`
	}
	if err := api("POST", base+"/api/v1/teams", c.demo.APIToken, map[string]any{"name": "Cluster", "member_ids": a.ids}, &team); err != nil {
		c.t.Fatal(err)
	}
	a.teamID = team.ID
	for i, id := range a.ids {
		if err := api("PUT", fmt.Sprintf("%s/api/v1/users/%d/capacity", base, id), c.demo.APIToken, map[string]any{"capacity": agentCapacity}, nil); err != nil {
			c.t.Fatal(err)
		}
		node := c.nodes[i%len(c.nodes)].URL
		var session struct {
			Token string `json:"token"`
		}
		creds := map[string]string{"email": fmt.Sprintf("cluster%d@test.local", i), "password": fmt.Sprintf("cluster-password-%d", i)}
		if err := api("POST", node+"/api/v1/auth/login", "", creds, &session); err != nil {
			c.t.Fatal(err)
		}
		if err := api("PUT", node+"/api/v1/presence", session.Token, map[string]string{"status": "online"}, nil); err != nil {
			c.t.Fatal(err)
		}
		if err := api("POST", node+"/api/v1/presence/heartbeat", session.Token, map[string]string{"device_id": "cluster-test"}, nil); err != nil {
			c.t.Fatal(err)
		}
	}
	return a
}

// route routes conversations to the agents' team through every node at
// once and waits until the cluster settles: no agent above capacity and
// none with room while the team's queue waits (waitRouted). It returns
// how many of the team's conversations are open.
func (c *cluster) route(st *sql.DB, a clusterAgents, convs []int64) int {
	c.t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, len(convs))
	for i, id := range convs {
		node := c.nodes[i%len(c.nodes)].URL
		wg.Go(func() {
			req := map[string]any{"target": "team", "team_id": a.teamID, "only_online": true, "queue": true}
			if err := api("POST", fmt.Sprintf("%s/api/v1/conversations/%d/route", node, id), c.demo.APIToken, req, nil); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		c.t.Fatal(err)
	}
	c.waitRouted(st, a, len(convs))
	return len(convs)
}

// closeAssigned closes n conversations assigned to the agents through
// node, freeing their slots: the team's queue must drain into them,
// whichever node consumes the events. It returns how many of the team's
// conversations are still open.
func (c *cluster) closeAssigned(st *sql.DB, a clusterAgents, n int, node string, open int) int {
	c.t.Helper()
	assigned := idsOf(c.t, st, fmt.Sprintf(`SELECT id FROM conversations WHERE status <> 'closed' AND assignee_id IN (%s) ORDER BY id LIMIT %d`, inList(a.ids), n))
	for _, id := range assigned {
		if err := api("POST", fmt.Sprintf("%s/api/v1/conversations/%d/close", node, id), c.demo.APIToken, nil, nil); err != nil {
			c.t.Fatal(err)
		}
	}
	open -= len(assigned)
	c.waitRouted(st, a, open)
	return open
}

// waitRouted waits until open conversations of the team, assigned plus
// queued, number open, and no agent has room while the queue is not
// empty; it fails at once if an agent is ever above capacity.
func (c *cluster) waitRouted(st *sql.DB, a clusterAgents, open int) {
	c.t.Helper()
	deadline := time.Now().Add(maxSettle)
	for {
		counts := map[int64]int{}
		rows, err := st.Query(fmt.Sprintf(`SELECT assignee_id, COUNT(*) FROM conversations WHERE status <> 'closed' AND assignee_id IN (%s) GROUP BY assignee_id`, inList(a.ids)))
		if err != nil {
			c.t.Fatal(err)
		}
		assigned := 0
		for rows.Next() {
			var id int64
			var n int
			rows.Scan(&id, &n)
			counts[id] = n
			assigned += n
		}
		rows.Close()
		for id, n := range counts {
			if n > agentCapacity {
				c.t.Fatalf("agent %d has %d open conversations, capacity %d", id, n, agentCapacity)
			}
		}
		var queued int
		st.QueryRow(fmt.Sprintf(`SELECT COUNT(*) FROM routing_queue WHERE team_id = %d`, a.teamID)).Scan(&queued)
		room := len(a.ids)*agentCapacity - assigned
		if assigned+queued == open && (queued == 0 || room == 0) {
			c.t.Logf("routing: %d assigned to %d agents of capacity %d, %d queued", assigned, len(a.ids), agentCapacity, queued)
			return
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("routing after %s: %d assigned, %d queued, %d open expected; room for %d more while the queue waits", maxSettle, assigned, queued, open, room)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// routable lists up to n open, unassigned conversations of contacts that
// wrote once: the regular contacts of the load (generate) write again,
// and their replies move the demo workflow on to route them elsewhere.
func routable(n int) string {
	return fmt.Sprintf(`SELECT c.id FROM conversations c JOIN contact_identities i ON i.contact_id = c.contact_id
		WHERE c.status <> 'closed' AND c.assignee_id IS NULL AND i.external_id NOT LIKE '+1555000%%' ORDER BY c.id LIMIT %d`, n)
}

func idsOf(t *testing.T, st *sql.DB, q string) []int64 {
	t.Helper()
	rows, err := st.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		ids = append(ids, id)
	}
	return ids
}

func inList(ids []int64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = fmt.Sprint(id)
	}
	return strings.Join(s, ",")
}
