-- After `dudao db migrate`: the worker and the web server sign in as their own roles, never as the
-- owner (run by the `dudao` login, which created the roles; psql variables carry the passwords).
ALTER ROLE dudao_worker WITH LOGIN PASSWORD :'worker_pw';
ALTER ROLE dudao_web WITH LOGIN PASSWORD :'web_pw';
