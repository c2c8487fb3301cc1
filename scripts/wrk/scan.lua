-- scripts/wrk/scan.lua: what the wrk scripts of scripts/bench-http and scripts/bench-ab share,
-- loaded with dofile. wrk shares the two cores with the server and PostgreSQL, so a request
-- costs it as little as can be: the text around a request's variable part is formatted once
-- per length of that part (its Content-Length), not at every request.
local M = {}

local alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
local value = {}
for i = 1, #alphabet do value[alphabet:byte(i)] = i - 1 end

-- check is the ISO 7064 MOD 37,36 check character of s, as inventory.CheckChar computes it.
local function check(s)
  local p = 36
  for i = 1, #s do
    p = (p + value[s:byte(i)]) % 36
    if p == 0 then p = 36 end
    p = (p * 2) % 37
  end
  local i = (37 - p) % 36
  return alphabet:sub(i + 1, i + 1)
end

-- tagger returns the function that gives the asset tag of a tag number with prefix, as
-- inventory.FormatTag prints it (DI-000123-K).
function M.tagger(prefix)
  local bare = prefix:gsub("-", "")
  return function(n)
    local digits = string.format("%06d", n)
    return prefix .. "-" .. digits .. "-" .. check(bare .. digits)
  end
end

-- json_string is s as a JSON string (the queries hold no backslash).
function M.json_string(s)
  return '"' .. s:gsub('"', '\\"') .. '"'
end

-- around returns the function that gives the POST /graphql request whose body is
-- pre .. v .. post. Call it after wrk.headers are set (from request(), not at load).
function M.around(pre, post)
  local cache = {}
  return function(v)
    local a = cache[#v]
    if not a then
      local mark = string.rep("#", #v)
      local r = wrk.format(nil, "/graphql", nil, pre .. mark .. post)
      local i = r:find(mark, 1, true)
      a = { r:sub(1, i - 1), r:sub(i + #v) }
      cache[#v] = a
    end
    return a[1] .. v .. a[2]
  end
end

return M
