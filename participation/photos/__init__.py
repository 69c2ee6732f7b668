"""Photos of ideas: up to three per idea, each with a short description for people who
cannot see it.

Every upload is decoded and drawn anew (`processing`): turned upright, stripped of all
metadata (place, camera, serial number), stored in a few widths as WebP behind one small
storage interface (`storage`: a folder or an S3-compatible bucket). The app itself serves
every file (`views`), after the same check as the idea's page: a photo is moderated with
its idea. Photos sent with the idea form wait as drafts of their owner through the
preview (`uploads`); `retention` removes drafts nobody submitted.
"""
