"""`dpt demo`: a practice day recorded through the real capture paths into a throw-away data
home, then summarized. `day` is the script, `kata` the code written during it, `editor` a
language-server client that types, `recorder` the machinery that plays the script."""
