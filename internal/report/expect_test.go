package report_test

import (
	"cmp"
	"context"
	"encoding/csv"
	"io"
	"reflect"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/report"
)

// The expectations, from the script alone.

type expected struct {
	conversations report.Conversations
	responses     report.Responses
	responsesBH   report.Responses
	resolutions   report.Resolutions
	resolutionsBH report.Resolutions
	assignments   report.Assignments
	users, teams  report.Table
	messages      report.Messages
	contacts      report.Contacts
	// one team's and one category's figures
	teamConversations report.Conversations
	bugResolutions    report.Resolutions
}

func inJune(t time.Time) bool {
	if t.IsZero() {
		return false
	}
	l := t.In(paris)
	return l.Year() == 2026 && l.Month() == time.June
}

func dayOf(t time.Time) string { return t.In(paris).Format(time.DateOnly) }

func ms(d time.Duration) int64 { return d.Milliseconds() }

// distOf is the distribution of values as docs/reports.md defines it.
func distOf(values []int64) report.Dist {
	labels := []string{"<30s", "30s–2m", "2–5m", "5–10m", "10–30m", "30m–1h", ">1h"}
	bounds := []int64{30_000, 120_000, 300_000, 600_000, 1_800_000, 3_600_000}
	d := report.Dist{Buckets: make([]report.Bucket, 7)}
	for i := range labels {
		d.Buckets[i].Label = labels[i]
	}
	for _, v := range values {
		d.Count++
		d.SumMs += v
		b := 6
		for i, hi := range bounds {
			if v < hi {
				b = i
				break
			}
		}
		d.Buckets[b].Count++
	}
	if d.Count == 0 {
		return d
	}
	s := slices.Clone(values)
	slices.Sort(s)
	d.AverageMs = d.SumMs / d.Count
	rank := func(p float64) int64 {
		r := int64(p * float64(len(s)))
		if float64(r) < p*float64(len(s)) {
			r++
		}
		return s[r-1]
	}
	d.MedianMs, d.P90Ms = rank(0.5), rank(0.9)
	return d
}

// businessMs counts the seconds of [from, to) on weekdays 09:00–17:00
// Paris time, minus 2026-06-15.
func businessMs(from, to time.Time) int64 {
	var total time.Duration
	for day := time.Date(from.In(paris).Year(), from.In(paris).Month(), from.In(paris).Day(), 0, 0, 0, 0, paris); day.Before(to); day = day.AddDate(0, 0, 1) {
		if day.Weekday() == time.Saturday || day.Weekday() == time.Sunday || day.Format(time.DateOnly) == "2026-06-15" {
			continue
		}
		open, closeAt := day.Add(9*time.Hour), day.Add(17*time.Hour)
		lo, hi := open, closeAt
		if from.After(lo) {
			lo = from
		}
		if to.Before(hi) {
			hi = to
		}
		if hi.After(lo) {
			total += hi.Sub(lo)
		}
	}
	return ms(total)
}

func counts(m map[string]int64, numeric bool) []report.Count {
	out := []report.Count{}
	for k, n := range m {
		out = append(out, report.Count{Key: k, Count: n})
	}
	slices.SortFunc(out, func(a, b report.Count) int {
		if a.Count != b.Count {
			return cmp.Compare(b.Count, a.Count)
		}
		if numeric {
			x, _ := strconv.ParseInt(a.Key, 10, 64)
			y, _ := strconv.ParseInt(b.Key, 10, 64)
			return cmp.Compare(x, y)
		}
		return cmp.Compare(a.Key, b.Key)
	})
	return out
}

func id(v int64) string { return strconv.FormatInt(v, 10) }

func round2(v float64) float64 { return float64(int64(v*100+0.5)) / 100 }

func perConv(values []int64) report.PerConversation {
	p := report.PerConversation{Histogram: []report.Bucket{{Label: "0"}, {Label: "1"}, {Label: "2"}, {Label: "3"}, {Label: "4"}, {Label: "5+"}}}
	for _, v := range values {
		p.Conversations++
		p.Total += v
		p.Histogram[min(v, 5)].Count++
	}
	if p.Conversations > 0 {
		p.Average = round2(float64(p.Total) / float64(p.Conversations))
	}
	return p
}

func (m *month) conversationsFor(keep func(*scripted) bool) report.Conversations {
	var r report.Conversations
	opened, closed := map[string]int64{}, map[string]int64{}
	byCh, bySrc, byCat, byClosed := map[string]int64{}, map[string]int64{}, map[string]int64{}, map[string]int64{}
	r.Heatmap = make([][]int64, 7)
	for i := range r.Heatmap {
		r.Heatmap[i] = make([]int64, 24)
	}
	var msgs int64
	for _, s := range m.convs {
		if !keep(s) {
			continue
		}
		if inJune(s.opened) {
			r.Opened++
			opened[dayOf(s.opened)]++
			l := s.opened.In(paris)
			r.Heatmap[(int(l.Weekday())+6)%7][l.Hour()]++
			byCh[id(s.channel)]++
			bySrc["contact"]++
			msgs += int64(s.in + s.out)
			if s.reopen {
				r.Reopened++
			}
			if s.closed.IsZero() {
				r.StillOpen++
			}
		}
		if inJune(s.closed) {
			r.Closed++
			closed[dayOf(s.closed)]++
			byCat[s.category]++
			byClosed["user"]++
		}
	}
	for d := start; d.Month() == time.June; d = d.AddDate(0, 0, 1) {
		k := d.Format(time.DateOnly)
		r.Series = append(r.Series, report.SeriesPoint{T: k, Opened: opened[k], Closed: closed[k]})
	}
	r.ByChannel, r.ByOpenedSource, r.ByCategory, r.ByClosedSource = counts(byCh, true), counts(bySrc, false), counts(byCat, false), counts(byClosed, false)
	if r.Opened > 0 {
		r.AverageMessages = round2(float64(msgs) / float64(r.Opened))
		r.ReopenRatePct = round2(float64(r.Reopened) * 100 / float64(r.Opened))
	}
	return r
}

func (m *month) resolutionsFor(keep func(*scripted) bool, bh bool) report.Resolutions {
	var r report.Resolutions
	var res, msgs []int64
	byCat, bySrc := map[string]int64{}, map[string]int64{}
	var opened int64
	for _, s := range m.convs {
		if !keep(s) {
			continue
		}
		if inJune(s.opened) {
			opened++
			if s.reopen {
				r.Reopened++
			}
		}
		if !inJune(s.closed) {
			continue
		}
		r.Resolved++
		v := ms(s.closed.Sub(s.opened))
		if bh {
			v = businessMs(s.opened, s.closed)
		}
		res = append(res, v)
		msgs = append(msgs, int64(s.in+s.out))
		byCat[s.category]++
		bySrc["user"]++
		if len(s.replies) == 0 {
			r.WithoutResponse++
		}
	}
	r.Resolution = distOf(res)
	r.ByCategory, r.ByClosedSource = counts(byCat, false), counts(bySrc, false)
	r.MessagesPerConversation = perConv(msgs)
	if opened > 0 {
		r.ReopenRatePct = round2(float64(r.Reopened) * 100 / float64(opened))
	}
	return r
}

func (m *month) responsesFor(bh bool) report.Responses {
	var r report.Responses
	var first, assignFirst, each, per []int64
	for _, s := range m.convs {
		if len(s.replies) > 0 && inJune(s.replies[0].at) {
			v := ms(s.replies[0].at.Sub(s.opened))
			if bh {
				v = businessMs(s.opened, s.replies[0].at)
			}
			first = append(first, v)
			assignFirst = append(assignFirst, ms(s.replies[0].at.Sub(s.assigned)))
		}
		for _, rp := range s.replies {
			if inJune(rp.at) {
				v := ms(rp.at.Sub(rp.waitingSince))
				if bh {
					v = businessMs(rp.waitingSince, rp.at)
				}
				each = append(each, v)
			}
		}
		if inJune(s.closed) {
			per = append(per, int64(len(s.replies)))
		}
	}
	r.FirstResponse, r.AssignmentToFirstResponse, r.ResponseTime = distOf(first), distOf(assignFirst), distOf(each)
	r.ResponsesPerConversation = perConv(per)
	return r
}

func (m *month) expect() expected {
	var e expected
	all := func(*scripted) bool { return true }
	e.conversations = m.conversationsFor(all)
	e.teamConversations = m.conversationsFor(func(s *scripted) bool { return s.team == m.teams[0] })
	e.resolutions = m.resolutionsFor(all, false)
	e.resolutionsBH = m.resolutionsFor(all, true)
	e.bugResolutions = m.resolutionsFor(func(s *scripted) bool { return s.category == "bug" }, false)
	e.responses, e.responsesBH = m.responsesFor(false), m.responsesFor(true)

	// Assignments.
	var tta []int64
	byStrat, byUser, byTeam := map[string]int64{}, map[string]int64{}, map[string]int64{}
	for _, s := range m.convs {
		if !inJune(s.assigned) {
			continue
		}
		e.assignments.Assigned++
		tta = append(tta, ms(s.assigned.Sub(s.opened)))
		e.assignments.Reassignments += int64(s.reassignments)
		if s.reassignments > 0 {
			e.assignments.Reassigned++
		}
		byStrat[s.strategy]++
		byUser[id(s.firstAssignee)]++
		byTeam[id(s.team)]++
	}
	e.assignments.TimeToAssignment, e.assignments.QueueWait = distOf(tta), distOf(nil)
	e.assignments.ByStrategy, e.assignments.ByUser, e.assignments.ByTeam = counts(byStrat, false), counts(byUser, true), counts(byTeam, true)

	// Users and teams.
	for _, teams := range []bool{false, true} {
		rows := map[int64]*report.PersonRow{}
		row := func(k int64) *report.PersonRow {
			if rows[k] == nil {
				rows[k] = &report.PersonRow{ID: k}
			}
			return rows[k]
		}
		key := func(s *scripted, user int64) int64 {
			if teams {
				return s.team
			}
			return user
		}
		sums := map[int64][3]int64{}
		for _, s := range m.convs {
			if inJune(s.assigned) {
				row(key(s, s.firstAssignee)).Assigned++
			}
			if inJune(s.closed) {
				k := key(s, s.assignee)
				row(k).Closed++
				x := sums[k]
				x[0] += ms(s.closed.Sub(s.opened))
				sums[k] = x
			}
			if len(s.replies) > 0 && inJune(s.replies[0].at) {
				k := key(s, s.replies[0].user)
				row(k).FirstResponses++
				x := sums[k]
				x[1] += ms(s.replies[0].at.Sub(s.opened))
				sums[k] = x
			}
			for _, rp := range s.replies {
				if inJune(rp.at) {
					k := key(s, rp.user)
					row(k).Responses++
					row(k).MessagesSent++
					x := sums[k]
					x[2] += ms(rp.at.Sub(rp.waitingSince))
					sums[k] = x
				}
			}
		}
		t := report.Table{Rows: []report.PersonRow{}}
		for k, r := range rows {
			r.AverageResolutionMs = sums[k][0] / max(r.Closed, 1)
			r.AverageFirstResponseMs = sums[k][1] / max(r.FirstResponses, 1)
			r.AverageResponseMs = sums[k][2] / max(r.Responses, 1)
			t.Rows = append(t.Rows, *r)
		}
		slices.SortFunc(t.Rows, func(a, b report.PersonRow) int { return cmp.Compare(a.ID, b.ID) })
		if teams {
			e.teams = t
		} else {
			e.users = t
		}
	}

	// Messages: contact messages and replies by day; the workflow's
	// welcome the second after the opening.
	days := map[string]*report.MessagesDay{}
	dayRow := func(t time.Time) *report.MessagesDay {
		k := dayOf(t)
		if days[k] == nil {
			days[k] = &report.MessagesDay{T: k}
		}
		return days[k]
	}
	bySender, byCh := map[string]int64{}, map[string]int64{}
	for _, s := range m.convs {
		ins := []time.Time{s.opened}
		for _, rp := range s.replies[min(1, len(s.replies)):] {
			ins = append(ins, rp.waitingSince)
		}
		for _, t := range ins {
			if inJune(t) {
				e.messages.In++
				dayRow(t).In++
				byCh[id(s.channel)]++
			}
		}
		if s.workflowFirst && inJune(s.opened.Add(5*time.Second)) {
			e.messages.Out++
			dayRow(s.opened.Add(5*time.Second)).Workflow++
			bySender["workflow"]++
			byCh[id(s.channel)]++
		}
		for _, rp := range s.replies {
			if inJune(rp.at) {
				e.messages.Out++
				dayRow(rp.at).User++
				bySender["user"]++
				byCh[id(s.channel)]++
			}
		}
	}
	for d := start; d.Month() == time.June; d = d.AddDate(0, 0, 1) {
		k := d.Format(time.DateOnly)
		if days[k] == nil {
			days[k] = &report.MessagesDay{T: k}
		}
		e.messages.Series = append(e.messages.Series, *days[k])
	}
	e.messages.BySender, e.messages.ByChannel = counts(bySender, false), counts(byCh, false)

	// Contacts.
	newByDay := map[string]int64{}
	for _, t := range m.newCont {
		if inJune(t) {
			e.contacts.New++
			newByDay[dayOf(t)]++
		}
	}
	for d := start; d.Month() == time.June; d = d.AddDate(0, 0, 1) {
		k := d.Format(time.DateOnly)
		e.contacts.Series = append(e.contacts.Series, report.ContactsDay{T: k, New: newByDay[k]})
	}
	stages := map[string]int64{}
	for _, t := range m.stages {
		if inJune(t) {
			stages["Customer"]++
		}
	}
	e.contacts.ByStage = counts(stages, false)
	return e
}

// check compares every report with the expectations and returns what the
// reports said, for comparison after a rebuild.
func (m *month) check(t *testing.T, svc *report.Service, e expected) []any {
	t.Helper()
	ctx := context.Background()
	june := report.Filter{From: "2026-06-01", To: "2026-06-30"}
	bh := june
	bh.BusinessHours = true
	var out []any
	same := func(name string, got, want any) {
		t.Helper()
		out = append(out, got)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %+v\nwant %+v", name, got, want)
		}
	}
	conv, err := svc.Conversations(ctx, m.ws, june)
	must(t, err)
	same("conversations", conv.Current, e.conversations)
	team := june
	team.TeamID = m.teams[0]
	teamConv, err := svc.Conversations(ctx, m.ws, team)
	must(t, err)
	same("conversations of a team", teamConv.Current, e.teamConversations)
	resp, err := svc.Responses(ctx, m.ws, june)
	must(t, err)
	same("responses", resp.Current, e.responses)
	respBH, err := svc.Responses(ctx, m.ws, bh)
	must(t, err)
	same("responses in business hours", respBH.Current.FirstResponse, e.responsesBH.FirstResponse)
	same("response times in business hours", respBH.Current.ResponseTime, e.responsesBH.ResponseTime)
	res, err := svc.Resolutions(ctx, m.ws, june)
	must(t, err)
	same("resolutions", res.Current, e.resolutions)
	resBH, err := svc.Resolutions(ctx, m.ws, bh)
	must(t, err)
	same("resolutions in business hours", resBH.Current.Resolution, e.resolutionsBH.Resolution)
	bug := june
	bug.Category = "bug"
	bugRes, err := svc.Resolutions(ctx, m.ws, bug)
	must(t, err)
	same("resolutions of bugs", bugRes.Current.Resolution, e.bugResolutions.Resolution)
	asg, err := svc.Assignments(ctx, m.ws, june)
	must(t, err)
	same("assignments", asg.Current, e.assignments)
	users, err := svc.Users(ctx, m.ws, june)
	must(t, err)
	same("users", users.Current, e.users)
	teams, err := svc.Teams(ctx, m.ws, june)
	must(t, err)
	same("teams", teams.Current, e.teams)
	msgs, err := svc.Messages(ctx, m.ws, june)
	must(t, err)
	same("messages", msgs.Current, e.messages)
	cont, err := svc.Contacts(ctx, m.ws, june)
	must(t, err)
	same("contacts", cont.Current, e.contacts)
	wf, err := svc.Workflows(ctx, m.ws, june)
	must(t, err)
	same("workflows", wf.Current, report.Workflows{Workflows: []report.WorkflowRow{}})

	// The previous period: May 2–31, before anything happened.
	cmpF := june
	cmpF.Compare = true
	prev, err := svc.Conversations(ctx, m.ws, cmpF)
	must(t, err)
	if prev.PreviousRange == nil || prev.PreviousRange.From != "2026-05-02" || prev.PreviousRange.To != "2026-05-31" || prev.Previous.Opened != 0 {
		t.Errorf("previous period: %+v %+v", prev.PreviousRange, prev.Previous)
	}

	// Business hours exclude nights and the holiday: no duration in
	// business hours exceeds the plain one, and some are shorter.
	if respBH.Current.FirstResponse.SumMs >= resp.Current.FirstResponse.SumMs {
		t.Errorf("business hours did not shorten first responses: %d >= %d", respBH.Current.FirstResponse.SumMs, resp.Current.FirstResponse.SumMs)
	}

	// The CSV rows sum to the charts.
	rows := exportRows(t, svc, m.ws, "conversations", june)
	opened, closed := map[string]int64{}, map[string]int64{}
	for _, r := range rows {
		opened[r["opened_day"]]++
		if r["closed_day"] != "" {
			closed[r["closed_day"]]++
		}
	}
	for _, p := range conv.Current.Series {
		if opened[p.T] != p.Opened || closed[p.T] != p.Closed {
			t.Errorf("CSV day %s: opened %d closed %d, chart %+v", p.T, opened[p.T], closed[p.T], p)
		}
	}
	var sum, firsts int64
	respRows := exportRows(t, svc, m.ws, "responses", june)
	for _, r := range respRows {
		v, _ := strconv.ParseInt(r["response_ms"], 10, 64)
		sum += v
		if r["first"] == "1" {
			firsts++
		}
	}
	if int64(len(respRows)) != resp.Current.ResponseTime.Count || sum != resp.Current.ResponseTime.SumMs || firsts != resp.Current.FirstResponse.Count {
		t.Errorf("responses CSV: %d rows, sum %d, %d first; chart %+v", len(respRows), sum, firsts, resp.Current.ResponseTime)
	}
	var in, outMsgs int64
	for _, r := range exportRows(t, svc, m.ws, "messages", june) {
		n, _ := strconv.ParseInt(r["messages"], 10, 64)
		if r["direction"] == "in" {
			in += n
		} else {
			outMsgs += n
		}
	}
	if in != msgs.Current.In || outMsgs != msgs.Current.Out {
		t.Errorf("messages CSV: %d in %d out; chart %d %d", in, outMsgs, msgs.Current.In, msgs.Current.Out)
	}
	return out
}

func exportRows(t *testing.T, svc *report.Service, ws int64, name string, f report.Filter) []map[string]string {
	t.Helper()
	pr, pw := io.Pipe()
	go func() {
		w := csv.NewWriter(pw)
		err := svc.Export(context.Background(), ws, name, f, func(rec []string) error { return w.Write(rec) })
		w.Flush()
		pw.CloseWithError(err)
	}()
	recs, err := csv.NewReader(pr).ReadAll()
	must(t, err)
	var out []map[string]string
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[h] = r[i]
		}
		out = append(out, m)
	}
	return out
}
