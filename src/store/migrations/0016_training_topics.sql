-- 47 CFR 64.2010(h)(7) (FCC 23-95): employees are trained on SIM swap and
-- port-out fraud. A course says what it covers: `topics`, ';'-separated
-- (cpni, sim_change). Courses added before this migration taught CPNI.
ALTER TABLE training_courses ADD COLUMN topics TEXT NOT NULL DEFAULT 'cpni';
