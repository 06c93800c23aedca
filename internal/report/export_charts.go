package report

import (
	"context"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/apperr"
)

// ExportCharts streams the figures every chart and table of a report
// draws, one row per figure: period (current, or previous with
// compare), chart (the JSON path of the figure, as in the report's
// JSON: series.opened, first_response.buckets.count, rows.closed…),
// key (the point's day or hour, breakdown key, bucket label, row id;
// "weekday,hour" in the heatmap; "" for a single figure) and value. It
// costs what the report costs (the figures come from it), not one row
// per conversation like Export.
func (s *Service) ExportCharts(ctx context.Context, workspaceID int64, name string, f Filter, emit func([]string) error) error {
	var res any
	var err error
	switch name {
	case "conversations":
		res, err = s.Conversations(ctx, workspaceID, f)
	case "responses":
		res, err = s.Responses(ctx, workspaceID, f)
	case "resolutions":
		res, err = s.Resolutions(ctx, workspaceID, f)
	case "assignments":
		res, err = s.Assignments(ctx, workspaceID, f)
	case "users":
		res, err = s.Users(ctx, workspaceID, f)
	case "teams":
		res, err = s.Teams(ctx, workspaceID, f)
	case "leaderboard":
		res, err = s.Leaderboard(ctx, workspaceID, f)
	case "messages":
		res, err = s.Messages(ctx, workspaceID, f)
	case "contacts":
		res, err = s.Contacts(ctx, workspaceID, f)
	case "workflows":
		res, err = s.Workflows(ctx, workspaceID, f)
	case "satisfaction":
		res, err = s.Satisfaction(ctx, workspaceID, f)
	default:
		return apperr.NotFound("report")
	}
	if err != nil {
		return err
	}
	if err := emit([]string{"period", "chart", "key", "value"}); err != nil {
		return err
	}
	v := reflect.ValueOf(res)
	for _, p := range []struct{ field, period string }{{"Current", "current"}, {"Previous", "previous"}} {
		w := chartWalker{period: p.period, emit: emit}
		if err := w.walk("", "", v.FieldByName(p.field)); err != nil {
			return err
		}
	}
	return nil
}

type chartWalker struct {
	period string
	emit   func([]string) error
}

// keyFields name the field that identifies an element of a list.
var keyFields = []string{"t", "key", "label", "id", "workflow_id", "step"}

func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	return name
}

func join(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "." + b
}

func (w *chartWalker) walk(chart, key string, v reflect.Value) error {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return nil
		}
		return w.walk(chart, key, v.Elem())
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if f.Anonymous {
				if err := w.walk(chart, key, v.Field(i)); err != nil {
					return err
				}
				continue
			}
			name := jsonName(f)
			if name == "" || name == "-" || !f.IsExported() {
				continue
			}
			if err := w.walk(join(chart, name), key, v.Field(i)); err != nil {
				return err
			}
		}
		return nil
	case reflect.Slice:
		for i := range v.Len() {
			e := v.Index(i)
			k := elementKey(e, i)
			if key != "" {
				k = key + "/" + k
			}
			if e.Kind() == reflect.Struct {
				if err := w.walk(chart, k, e); err != nil {
					return err
				}
				continue
			}
			if e.Kind() == reflect.Slice { // the heatmap: weekday, then hour
				for j := range e.Len() {
					if err := w.walk(chart, k+","+strconv.Itoa(j), e.Index(j)); err != nil {
						return err
					}
				}
				continue
			}
			if err := w.walk(chart, k, e); err != nil {
				return err
			}
		}
		return nil
	case reflect.String:
		if chartIsKey(chart) {
			return nil
		}
		return w.emit([]string{w.period, chart, key, v.String()})
	case reflect.Int, reflect.Int64:
		if chartIsKey(chart) {
			return nil
		}
		return w.emit([]string{w.period, chart, key, strconv.FormatInt(v.Int(), 10)})
	case reflect.Float64:
		return w.emit([]string{w.period, chart, key, strconv.FormatFloat(v.Float(), 'f', -1, 64)})
	case reflect.Bool:
		return w.emit([]string{w.period, chart, key, strconv.FormatBool(v.Bool())})
	}
	return fmt.Errorf("report: chart export: cannot write a %s", v.Kind())
}

// chartIsKey reports whether the figure is the key of its element
// (written in the key column already).
func chartIsKey(chart string) bool {
	last := chart[strings.LastIndex(chart, ".")+1:]
	for _, k := range keyFields {
		if last == k {
			return true
		}
	}
	return false
}

// elementKey is a list element's key: its first key field, else its
// position.
func elementKey(e reflect.Value, i int) string {
	if e.Kind() != reflect.Struct {
		return strconv.Itoa(i)
	}
	for _, name := range keyFields {
		if v, ok := fieldByJSON(e, name); ok {
			if v.Kind() == reflect.String {
				return v.String()
			}
			return strconv.FormatInt(v.Int(), 10)
		}
	}
	return strconv.Itoa(i)
}

func fieldByJSON(v reflect.Value, name string) (reflect.Value, bool) {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous {
			if fv, ok := fieldByJSON(v.Field(i), name); ok {
				return fv, true
			}
			continue
		}
		if jsonName(f) == name {
			return v.Field(i), true
		}
	}
	return reflect.Value{}, false
}
