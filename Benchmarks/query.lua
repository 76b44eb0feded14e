-- wrk script: POST a question to /api/v1/query, cycling through a few phrasings.
local questions = {
  "How do ROS 2 nodes communicate with topics?",
  "What is the Isaac Sim synthetic data pipeline?",
  "How do vision language action models control robots?",
  "What does Gazebo simulate?",
  "How do robots keep their balance when walking?",
}
local n = 0
request = function()
  n = n + 1
  local body = string.format('{"query": "%s"}', questions[(n % #questions) + 1])
  return wrk.format("POST", "/api/v1/query", {["Content-Type"] = "application/json"}, body)
end
