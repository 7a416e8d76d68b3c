package netmakertest

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

type loginResponse struct {
	Code     int
	Message  string
	Response struct{ UserName, AuthToken string }
}

func decodeLogin(t *testing.T, a answer) loginResponse {
	t.Helper()
	a.mustOK(t)
	var l loginResponse
	if err := json.Unmarshal([]byte(a.body), &l); err != nil {
		t.Fatalf("%s: %v", a.body, err)
	}
	return l
}

// TestCredentialFlow: a fresh server's first super admin, a login, and a
// personal access token used as the credential, on every generation.
func TestCredentialFlow(t *testing.T) {
	for _, gen := range Generations() {
		t.Run(string(gen), func(t *testing.T) {
			c := newClock()
			s := newTest(t, Options{Generation: gen, Now: c.Now})

			a := callAuth(t, s, "POST", "/api/users/adm/createsuperadmin", `{"username":"admin","password":"s3cret-pw"}`, "").mustOK(t)
			m := fieldsOf(t, a.body)
			if string(m["username"]) != `"admin"` || string(m["issuperadmin"]) != "true" || string(m["platform_role_id"]) != `"super-admin"` {
				t.Fatalf("createsuperadmin answer: %s", a.body)
			}
			if _, ok := m["password"]; ok {
				t.Fatalf("the answer shows the password: %s", a.body)
			}
			callAuth(t, s, "POST", "/api/users/adm/createsuperadmin", `{"username":"second","password":"s3cret-pw"}`, "").
				wantError(t, 400, "superadmin user already exists")

			l := decodeLogin(t, callAuth(t, s, "POST", "/api/users/adm/authenticate", `{"username":"admin","password":"s3cret-pw"}`, ""))
			jwt := l.Response.AuthToken
			body := `{"name":"terraform","user_name":"admin","expires_at":"` + c.Now().Add(24*time.Hour).Format(time.RFC3339) + `"}`
			p := decodeLogin(t, callAuth(t, s, "POST", "/api/v1/users/access_token", body, "Bearer "+jwt))
			if p.Code != 200 || p.Message != "api access token has generated for user admin" || p.Response.UserName != "admin" ||
				p.Response.AuthToken == "" || p.Response.AuthToken == jwt {
				t.Fatalf("access token answer: %+v", p)
			}
			pat := p.Response.AuthToken

			// The token is a credential of its own: it outlives the JWT.
			c.Add(2 * time.Hour)
			callAuth(t, s, "GET", "/api/v1/enrollment-keys", "", "Bearer "+jwt).wantError(t, 401, "unauthorized")
			callAuth(t, s, "GET", "/api/v1/enrollment-keys", "", "Bearer "+pat).mustOK(t)
			callAuth(t, s, "POST", "/api/v1/enrollment-keys", `{"tags":["pat-key"],"unlimited":true}`, "Bearer "+pat).mustOK(t)
			// A token creates tokens too (it names a user).
			decodeLogin(t, callAuth(t, s, "POST", "/api/v1/users/access_token", `{"name":"t2","user_name":"admin","expires_at":"2099-01-01T00:00:00Z"}`, "Bearer "+pat))

			// ... until expires_at on the server clock.
			c.Add(22*time.Hour - time.Second)
			callAuth(t, s, "GET", "/api/v1/enrollment-keys", "", "Bearer "+pat).mustOK(t)
			c.Add(time.Second)
			callAuth(t, s, "GET", "/api/v1/enrollment-keys", "", "Bearer "+pat).wantError(t, 401, "unauthorized")
		})
	}
}

func TestCreateSuperAdminErrors(t *testing.T) {
	tests := []struct {
		name, body, msg string
	}{
		{"malformed JSON", `{"username":`, "unexpected EOF"},
		{"name too short", `{"username":"ab","password":"s3cret"}`, "Key: 'User.UserName' Error:Field validation for 'UserName' failed on the 'min' tag"},
		{"name too long", `{"username":"` + strings.Repeat("a", 41) + `","password":"s3cret"}`, "Key: 'User.UserName' Error:Field validation for 'UserName' failed on the 'max' tag"},
		{"name with a space", `{"username":"an admin","password":"s3cret"}`, "Key: 'User.UserName' Error:Field validation for 'UserName' failed on the 'in_charset|email' tag"},
		{"no password", `{"username":"admin"}`, "Key: 'User.Password' Error:Field validation for 'Password' failed on the 'required' tag"},
		{"short password", `{"username":"admin","password":"1234"}`, "Key: 'User.Password' Error:Field validation for 'Password' failed on the 'min' tag"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTest(t, Options{})
			callAuth(t, s, "POST", "/api/users/adm/createsuperadmin", tt.body, "").wantError(t, 400, tt.msg)
			// Nothing was stored: a valid first user still works.
			callAuth(t, s, "POST", "/api/users/adm/createsuperadmin", `{"username":"Admin.One","password":"s3cret"}`, "").mustOK(t)
		})
	}
	t.Run("an e-mail address is a user name", func(t *testing.T) {
		s := newTest(t, Options{})
		callAuth(t, s, "POST", "/api/users/adm/createsuperadmin", `{"username":"admin@example.com","password":"s3cret"}`, "").mustOK(t)
	})
	t.Run("Options.Users are super admins already", func(t *testing.T) {
		s := newTest(t, Options{Users: map[string]string{"alice": "s3cret"}})
		callAuth(t, s, "POST", "/api/users/adm/createsuperadmin", `{"username":"admin","password":"s3cret"}`, "").
			wantError(t, 400, "superadmin user already exists")
	})
}

func TestAccessTokenErrors(t *testing.T) {
	c := newClock()
	s := newTest(t, Options{Now: c.Now, Users: map[string]string{"alice": "s3cret"}, AccessTokens: []string{"static-pat"}})
	jwt := decodeLogin(t, callAuth(t, s, "POST", "/api/users/adm/authenticate", `{"username":"alice","password":"s3cret"}`, "")).Response.AuthToken
	const ok = `{"name":"tf","user_name":"alice","expires_at":"2099-01-01T00:00:00Z"}`
	tests := []struct {
		name, auth, body string
		status           int
		msg              string
	}{
		{"no credential", "", ok, 401, "unauthorized"},
		{"master key names no user", "Bearer " + testMaster, ok, 401, "record not found"},
		{"static access token names no user", "Bearer static-pat", ok, 401, "record not found"},
		{"unknown user", "Bearer " + jwt, `{"name":"tf","user_name":"bob","expires_at":"2099-01-01T00:00:00Z"}`, 401, "record not found"},
		{"name missing", "Bearer " + jwt, `{"user_name":"alice","expires_at":"2099-01-01T00:00:00Z"}`, 400, "name is required"},
		{"user_name missing", "Bearer " + jwt, `{"name":"tf","expires_at":"2099-01-01T00:00:00Z"}`, 400, "username is required"},
		{"expires_at not RFC3339", "Bearer " + jwt, `{"name":"tf","user_name":"alice","expires_at":"tomorrow"}`, 400, "parsing time"},
		{"malformed JSON", "Bearer " + jwt, `{"name":`, 400, "unexpected EOF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			callAuth(t, s, "POST", "/api/v1/users/access_token", tt.body, tt.auth).wantError(t, tt.status, tt.msg)
		})
	}
	t.Run("a token without expires_at never works", func(t *testing.T) {
		p := decodeLogin(t, callAuth(t, s, "POST", "/api/v1/users/access_token", `{"name":"tf","user_name":"alice"}`, "Bearer "+jwt))
		callAuth(t, s, "GET", "/api/v1/enrollment-keys", "", "Bearer "+p.Response.AuthToken).wantError(t, 401, "unauthorized")
	})
	t.Run("revoked like any access token", func(t *testing.T) {
		p := decodeLogin(t, callAuth(t, s, "POST", "/api/v1/users/access_token", ok, "Bearer "+jwt))
		callAuth(t, s, "GET", "/api/v1/enrollment-keys", "", "Bearer "+p.Response.AuthToken).mustOK(t)
		s.RevokeAccessToken(p.Response.AuthToken)
		callAuth(t, s, "GET", "/api/v1/enrollment-keys", "", "Bearer "+p.Response.AuthToken).wantError(t, 401, "unauthorized")
	})
	t.Run("created_by is the token's user", func(t *testing.T) {
		s := newTest(t, Options{Generation: GenerationV17, Users: map[string]string{"alice": "s3cret"}})
		jwt := decodeLogin(t, callAuth(t, s, "POST", "/api/users/adm/authenticate", `{"username":"alice","password":"s3cret"}`, "")).Response.AuthToken
		pat := decodeLogin(t, callAuth(t, s, "POST", "/api/v1/users/access_token", ok, "Bearer "+jwt)).Response.AuthToken
		k := decodeKey(t, callAuth(t, s, "POST", "/api/v1/enrollment-keys", `{"tags":["pat-key"],"unlimited":true}`, "Bearer "+pat).mustOK(t).body)
		a := callAuth(t, s, "PUT", "/api/v1/enrollment-keys/"+k.Value, `{}`, "Bearer "+pat).mustOK(t)
		if got := string(fieldsOf(t, a.body)["created_by"]); got != `"alice"` {
			t.Fatalf("created_by %s", got)
		}
	})
}
