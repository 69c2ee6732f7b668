"""Projects: the project team takes ideas in or answers them (choosing), plans each
project (funding, milestones) and reports its progress to the people who follow it."""
