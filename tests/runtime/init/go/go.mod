module example.com/initapp

go 1.19
