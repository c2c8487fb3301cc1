package graph

import (
	"fmt"
	"math"
	"reflect"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/ast"
)

// The executor's input side: variables, arguments, directives and the collection of a
// selection's fields. Each follows graphql-go v0.8.1 (values.go, executor.go) rule for rule,
// so that a resolver gets the same Args from either executor; Config.Reference checks it.

// included applies @skip and @include (skip first).
func (e *execution) included(directives []*ast.Directive) bool {
	for _, d := range directives {
		if d == nil || d.Name == nil {
			continue
		}
		switch d.Name.Value {
		case graphql.SkipDirective.Name:
			if skip, ok := argumentValues(graphql.SkipDirective.Args, d.Arguments, e.vars)["if"].(bool); ok && skip {
				return false
			}
		}
	}
	for _, d := range directives {
		if d != nil && d.Name != nil && d.Name.Value == graphql.IncludeDirective.Name {
			if include, ok := argumentValues(graphql.IncludeDirective.Args, d.Arguments, e.vars)["if"].(bool); ok && !include {
				return false
			}
		}
	}
	return true
}

// matches reports whether a fragment on condition applies to objects of type t.
func (e *execution) matches(condition *ast.Named, t *graphql.Object) bool {
	if condition == nil {
		return true
	}
	ct := e.schema.Type(condition.Name.Value)
	if ct == nil {
		return false
	}
	if ct == graphql.Type(t) || ct.Name() == t.Name() {
		return true
	}
	if a, ok := ct.(graphql.Abstract); ok {
		return e.schema.IsPossibleType(a, t)
	}
	return false
}

// variables coerces the request's variables to the operation's definitions; ok is false when
// a value does not fit (graphql-go then runs the request and words the error).
func (e *execution) variables(defs []*ast.VariableDefinition, inputs map[string]any) (map[string]any, bool) {
	values := make(map[string]any, len(defs))
	for _, d := range defs {
		if d == nil || d.Variable == nil || d.Variable.Name == nil {
			continue
		}
		t := typeFromAST(e.schema, d.Type)
		in, ok := t.(graphql.Input)
		if t == nil || !ok || !graphql.IsInputType(t) {
			return nil, false
		}
		input := inputs[d.Variable.Name.Value]
		if !validInput(input, in) {
			return nil, false
		}
		if isNullish(input) && d.DefaultValue != nil {
			values[d.Variable.Name.Value] = valueFromAST(d.DefaultValue, in, nil)
			continue
		}
		values[d.Variable.Name.Value] = coerceValue(in, input)
	}
	return values, true
}

func typeFromAST(schema *graphql.Schema, t ast.Type) graphql.Type {
	switch t := t.(type) {
	case *ast.List:
		if inner := typeFromAST(schema, t.Type); inner != nil {
			return graphql.NewList(inner)
		}
	case *ast.NonNull:
		if inner := typeFromAST(schema, t.Type); inner != nil {
			return graphql.NewNonNull(inner)
		}
	case *ast.Named:
		if t.Name != nil {
			return schema.Type(t.Name.Value)
		}
	}
	return nil
}

// validInput is graphql-go's isValidInputValue, without its messages.
func validInput(value any, t graphql.Input) bool {
	if isNullish(value) {
		_, nonNull := t.(*graphql.NonNull)
		return !nonNull
	}
	switch t := t.(type) {
	case *graphql.NonNull:
		return validInput(value, t.OfType)
	case *graphql.List:
		rv := reflect.ValueOf(value)
		if rv.Kind() == reflect.Pointer {
			rv = rv.Elem()
		}
		if rv.Kind() != reflect.Slice {
			return validInput(value, t.OfType)
		}
		for i := range rv.Len() {
			if !validInput(rv.Index(i).Interface(), t.OfType) {
				return false
			}
		}
		return true
	case *graphql.InputObject:
		m, ok := value.(map[string]any)
		if !ok {
			return false
		}
		fields := t.Fields()
		for name := range m {
			if fields[name] == nil {
				return false
			}
		}
		for name, f := range fields {
			if !validInput(m[name], f.Type) {
				return false
			}
		}
		return true
	case *graphql.Scalar:
		return !isNullish(t.ParseValue(value))
	case *graphql.Enum:
		return !isNullish(t.ParseValue(value))
	}
	return true
}

// coerceValue is graphql-go's coerceValue: a valid variable value as resolvers get it.
func coerceValue(t graphql.Input, value any) any {
	if isNullish(value) {
		return nil
	}
	switch t := t.(type) {
	case *graphql.NonNull:
		return coerceValue(t.OfType, value)
	case *graphql.List:
		values := []any{}
		rv := reflect.ValueOf(value)
		if rv.Kind() == reflect.Slice {
			for i := range rv.Len() {
				values = append(values, coerceValue(t.OfType, rv.Index(i).Interface()))
			}
			return values
		}
		return append(values, coerceValue(t.OfType, value))
	case *graphql.InputObject:
		obj := map[string]any{}
		m, _ := value.(map[string]any)
		for name, f := range t.Fields() {
			v := coerceValue(f.Type, m[name])
			if isNullish(v) {
				v = f.DefaultValue
			}
			if !isNullish(v) {
				obj[name] = v
			}
		}
		return obj
	case *graphql.Scalar:
		return leaf(t.ParseValue(value))
	case *graphql.Enum:
		return leaf(t.ParseValue(value))
	}
	return nil
}

// argumentValues is graphql-go's getArgumentValues: the arguments given, with the defaults
// of those left out, nulls dropped.
func argumentValues(defs []*graphql.Argument, asts []*ast.Argument, vars map[string]any) map[string]any {
	results := make(map[string]any, len(asts))
	for _, d := range defs {
		var value ast.Value
		for _, a := range asts {
			if a.Name != nil && a.Name.Value == d.PrivateName {
				value = a.Value
			}
		}
		v := valueFromAST(value, d.Type, vars)
		if isNullish(v) {
			v = d.DefaultValue
		}
		if !isNullish(v) {
			results[d.PrivateName] = v
		}
	}
	return results
}

// valueFromAST is graphql-go's valueFromAST: a literal (or a variable) as the resolver gets it.
func valueFromAST(value ast.Value, t graphql.Input, vars map[string]any) any {
	if value == nil {
		return nil
	}
	if v, ok := value.(*ast.Variable); ok {
		if v.Name == nil || vars == nil {
			return nil
		}
		return vars[v.Name.Value]
	}
	switch t := t.(type) {
	case *graphql.NonNull:
		return valueFromAST(value, t.OfType, vars)
	case *graphql.List:
		values := []any{}
		if l, ok := value.(*ast.ListValue); ok {
			for _, item := range l.Values {
				values = append(values, valueFromAST(item, t.OfType, vars))
			}
			return values
		}
		return append(values, valueFromAST(value, t.OfType, vars))
	case *graphql.InputObject:
		ov, ok := value.(*ast.ObjectValue)
		if !ok {
			return nil
		}
		given := map[string]*ast.ObjectField{}
		for _, f := range ov.Fields {
			if f != nil && f.Name != nil {
				given[f.Name.Value] = f
			}
		}
		obj := map[string]any{}
		for name, f := range t.Fields() {
			var v any
			if g, ok := given[name]; ok {
				v = valueFromAST(g.Value, f.Type, vars)
			} else {
				v = f.DefaultValue
			}
			if !isNullish(v) {
				obj[name] = v
			}
		}
		return obj
	case *graphql.Scalar:
		return t.ParseLiteral(value)
	case *graphql.Enum:
		return t.ParseLiteral(value)
	}
	return nil
}

// isNullish is graphql-go's: nil, a nil pointer, or NaN.
func isNullish(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string, bool, int, int64, int32:
		return false
	case float64:
		return math.IsNaN(v)
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return true
		}
		rv = rv.Elem()
	}
	switch rv.Kind() {
	case reflect.String:
		return !rv.IsValid()
	case reflect.Float32, reflect.Float64:
		return math.IsNaN(rv.Float())
	}
	return false
}

// mustList is t's list type under any non-null wrapper.
func mustList(t graphql.Type) (*graphql.List, error) {
	if nn, ok := t.(*graphql.NonNull); ok {
		t = nn.OfType
	}
	l, ok := t.(*graphql.List)
	if !ok {
		return nil, fmt.Errorf("%v is not a list type", t)
	}
	return l, nil
}
