myscan "a" 1 2
